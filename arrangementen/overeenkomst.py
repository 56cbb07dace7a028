"""The arrangement worded as a Dutch bestuurlijke overeenkomst, for the PDF: the parties with their
representatives, a considerans, numbered artikelen with leden per niveau, slotbepalingen and the ondertekening.

The shape follows the convenanten of gemeenten, politie and OM (DOMAIN.md, "The form of the document"):
"De burgemeester van …, hierna: …", "Overwegende dat:", "Komen het volgende overeen:", Artikel 1 …
"""

import re
from dataclasses import dataclass, field

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenwerking.models import Organisatie

from . import publicatie
from .models import Afspraak, Arrangement, Gegevensstroom, Niveau, Partij


@dataclass
class Partijtekst:
    partij: Partij
    vertegenwoordiger: str  # "De burgemeester van Soest"
    namens: str  # "handelend namens de politiechef van de eenheid Midden-Nederland", or ""
    hierna: str  # "de gemeente Soest"

    @property
    def aanhef(self) -> str:
        """'De burgemeester van Soest, A. Jansen, hierna: de gemeente Soest'"""
        delen = [self.vertegenwoordiger]
        if self.partij.ondertekenaar_naam:
            delen.append(self.partij.ondertekenaar_naam)
        if self.namens:
            delen.append(self.namens)
        delen.append(_("hierna: %(naam)s") % {"naam": self.hierna})
        return ", ".join(delen)


@dataclass
class Artikel:
    nummer: int
    titel: str
    leden: list[str]
    toelichting: str = ""  # shown under the leden, e.g. who is responsible
    afspraak: Afspraak | None = None
    opsomming: list[str] = field(default_factory=list)  # a list under the (single) lid
    met_inzet: bool = False  # the BOA-inzet table belongs to this artikel


@dataclass
class Paragraaf:
    titel: str
    artikelen: list[Artikel] = field(default_factory=list)


@dataclass
class Hoofdstuk:
    nummer: int
    titel: str
    paragrafen: list[Paragraaf] = field(default_factory=list)
    leeg: str = ""  # said when the hoofdstuk has no artikelen


def _zonder_voorvoegsel(naam: str, voorvoegsel: str) -> str:
    return naam[len(voorvoegsel):].strip() if naam.lower().startswith(voorvoegsel.lower()) else naam


def _lidwoord_parket(naam: str) -> str:
    """'Arrondissementsparket Midden-Nederland' → 'het arrondissementsparket Midden-Nederland'."""
    if naam.lower().startswith(("arrondissementsparket", "parket")):
        return "het " + naam[0].lower() + naam[1:]
    if naam.lower().startswith("openbaar ministerie"):
        return "het " + naam
    return naam


def partijtekst(partij: Partij) -> Partijtekst:
    """How the agreement names a party and who represents it, from the organisation's kind and links."""
    organisatie = partij.organisatie
    functie = partij.ondertekenaar_functie.strip()
    if organisatie.soort == Organisatie.Soort.GEMEENTE:
        plaats = organisatie.gemeente.weergavenaam if organisatie.gemeente_id else _zonder_voorvoegsel(
            organisatie.naam, "gemeente")
        return Partijtekst(partij, _("De %(functie)s van %(plaats)s") % {"functie": functie or _("burgemeester"),
                                                                        "plaats": plaats},
                           "", _("de gemeente %(plaats)s") % {"plaats": plaats})
    if organisatie.soort == Organisatie.Soort.POLITIE and organisatie.basisteam_id and (
            not functie or functie.lower().startswith("teamchef")):
        basisteam = organisatie.basisteam
        team = _zonder_voorvoegsel(basisteam.naam, "basisteam")
        return Partijtekst(partij, _("De teamchef van basisteam %(team)s") % {"team": team},
                           _("handelend namens de politiechef van de eenheid %(eenheid)s")
                           % {"eenheid": basisteam.eenheid.naam}, _("de politie"))
    if organisatie.soort == Organisatie.Soort.OM:
        parket = _lidwoord_parket(organisatie.naam)
        if not functie or "hoofdofficier" in functie.lower():
            return Partijtekst(partij, _("De hoofdofficier van justitie van %(parket)s") % {"parket": parket}, "",
                               _("het Openbaar Ministerie"))
        return Partijtekst(partij, _("De %(functie)s van %(parket)s") % {"functie": functie, "parket": parket},
                           _("handelend namens de hoofdofficier van justitie"), _("het Openbaar Ministerie"))
    if functie:
        return Partijtekst(partij, _("De %(functie)s van %(organisatie)s") % {"functie": functie,
                                                                             "organisatie": organisatie.naam},
                           "", organisatie.naam)
    return Partijtekst(partij, organisatie.naam, "", organisatie.naam)


def datum(value) -> str:
    with translation.override("nl"):
        return formats.date_format(value, "j F Y")


def _zin(tekst: str) -> str:
    """Free text as the end of a considerans item: whitespace folded, closed with a semicolon."""
    tekst = " ".join(tekst.split()).rstrip(" .;")
    return tekst + ";"


def considerans(arrangement: Arrangement, gemeenten: list) -> list[str]:
    """'Overwegende dat:' a., b., …: the cooperation, the aanleiding, the doel and the driehoek's decision."""
    namen = [g.weergavenaam for g in gemeenten]
    if len(namen) > 1:
        wie = _("de gemeenten %(namen)s en %(laatste)s") % {"namen": ", ".join(namen[:-1]), "laatste": namen[-1]}
    elif namen:
        wie = _("de gemeente %(naam)s") % {"naam": namen[0]}
    else:
        wie = _("de gemeenten in de driehoek")
    items = [_("%(wie)s buitengewoon opsporingsambtenaren (boa's) inzetten voor toezicht en handhaving, en "
               "partijen hun inzet met die van de politie en het Openbaar Ministerie willen afstemmen in de "
               "%(driehoek)s;") % {"wie": wie, "driehoek": arrangement.driehoek.naam}]
    if arrangement.aanleiding.strip():
        items.append(_("de aanleiding voor dit arrangement de volgende is: %(aanleiding)s")
                     % {"aanleiding": _zin(arrangement.aanleiding)})
    if arrangement.doel.strip():
        items.append(_("partijen met dit arrangement het volgende doel nastreven: %(doel)s")
                     % {"doel": _zin(arrangement.doel)})
    items.append(_("partijen hun afspraken op strategisch, tactisch en operationeel niveau in dit arrangement "
                   "willen vastleggen;"))
    if arrangement.vastgesteld_op:
        besluit = f" ({arrangement.besluit_referentie})" if arrangement.besluit_referentie else ""
        items.append(_("de %(driehoek)s dit arrangement op %(datum)s heeft vastgesteld%(besluit)s;")
                     % {"driehoek": arrangement.driehoek.naam, "datum": datum(arrangement.vastgesteld_op),
                        "besluit": besluit})
    items[-1] = items[-1].rstrip(";") + "."
    return items


def leden(tekst: str) -> list[str]:
    """Each paragraph or line of an afspraak's text is one lid."""
    return [" ".join(regel.split()) for regel in re.split(r"\n", tekst) if regel.strip()]


def _afspraken_hoofdstukken(afspraken: list[Afspraak], eerste: int, nummer: int) -> tuple[list[Hoofdstuk], int]:
    hoofdstukken = []
    for index, niveau in enumerate(Niveau):
        hoofdstuk = Hoofdstuk(eerste + index, _("Afspraken op %(niveau)s niveau") % {"niveau": niveau.label},
                              leeg=_("Geen afspraken op dit niveau."))
        for afspraak in (a for a in afspraken if a.onderwerp.niveau == niveau):
            if not hoofdstuk.paragrafen or hoofdstuk.paragrafen[-1].titel != afspraak.onderwerp.naam:
                hoofdstuk.paragrafen.append(Paragraaf(afspraak.onderwerp.naam))
            hoofdstuk.paragrafen[-1].artikelen.append(Artikel(
                nummer, afspraak.titel, leden(afspraak.tekst) or [_("(Nog geen tekst.)")],
                _("Verantwoordelijk: %(wie)s") % {"wie": afspraak.get_verantwoordelijke_display()}, afspraak))
            nummer += 1
        hoofdstukken.append(hoofdstuk)
    return hoofdstukken, nummer


def _looptijd(arrangement: Arrangement) -> list[str]:
    van, tot = arrangement.geldig_van, arrangement.geldig_tot
    if van and tot:
        return [_("Dit arrangement treedt in werking op %(van)s en geldt tot en met %(tot)s.")
                % {"van": datum(van), "tot": datum(tot)}]
    if van:
        return [_("Dit arrangement treedt in werking op %(van)s en geldt voor onbepaalde tijd.") % {"van": datum(van)}]
    return [_("Dit arrangement treedt in werking op de dag na de ondertekening door alle partijen.")]


def _evaluatie(arrangement: Arrangement) -> list[str]:
    eerste = (_("Partijen evalueren dit arrangement in de %(driehoek)s, voor het eerst uiterlijk op %(datum)s.")
              % {"driehoek": arrangement.driehoek.naam, "datum": datum(arrangement.evaluatiedatum)}
              if arrangement.evaluatiedatum else
              _("Partijen evalueren dit arrangement jaarlijks in de %(driehoek)s.")
              % {"driehoek": arrangement.driehoek.naam})
    return [eerste, _("De evaluatie stelt per afspraak vast of deze werkt, moet worden bijgesteld of vervalt.")]


def _opzegging(arrangement: Arrangement) -> list[str]:
    if arrangement.opzegtermijn_maanden:
        termijn = ngettext("%(n)s maand", "%(n)s maanden", arrangement.opzegtermijn_maanden) % {
            "n": arrangement.opzegtermijn_maanden}
        eerste = _("Elke partij kan dit arrangement schriftelijk opzeggen met inachtneming van een opzegtermijn "
                   "van %(termijn)s.") % {"termijn": termijn}
    else:
        eerste = _("Elke partij kan dit arrangement schriftelijk opzeggen; de opzegging gaat in op de dag na "
                   "ontvangst door de andere partijen.")
    return [eerste, _("De opzegging wordt gericht aan de andere partijen en besproken in de driehoek.")]


def slotbepalingen(arrangement: Arrangement, nummer: int) -> list[Artikel]:
    titel = publicatie.citeertitel(arrangement)
    artikelen = [
        (_("Looptijd"), _looptijd(arrangement)),
        (_("Evaluatie"), _evaluatie(arrangement)),
        (_("Wijziging"), [
            _("Elke partij kan de andere partijen schriftelijk voorstellen dit arrangement te wijzigen."),
            _("Een wijziging wordt vastgesteld in de driehoek en door alle partijen ondertekend als een nieuwe "
              "versie van dit arrangement; die vervangt deze versie vanaf de ondertekening."),
        ]),
        (_("Opzegging"), _opzegging(arrangement)),
        (_("Citeertitel"), [_("Dit arrangement wordt aangehaald als: %(titel)s.") % {"titel": titel}]),
    ]
    return [Artikel(nummer + index, titel, tekst) for index, (titel, tekst) in enumerate(artikelen)]


@dataclass
class Stroomtabel:
    """One flow of the annex Gegevensdeling: a table of (label, value) rows under a caption."""

    nummer: int
    titel: str
    rijen: list[tuple[str, str]]


def _stroomrijen(stroom: Gegevensstroom, artikelen: dict[int, int]) -> list[tuple[str, str]]:
    """Every field of the flow; the art. 20 elements and the other ontvangers only where they are filled."""
    rijen = [(_("Verstrekker"), str(stroom.verstrekker)),
             (_("Ontvangers"), ", ".join(o.naam for o in stroom.partij_ontvangers) or "—")]
    if stroom.overige_ontvangers:
        rijen += [(_("Andere ontvangers"), stroom.overige_ontvangers),
                  (_("Toelichting op de andere ontvangers"), stroom.toelichting_overige_ontvangers or "—")]
    rijen += [(_("Categorieën van gegevens"), stroom.categorieen), (_("Doel"), stroom.doel),
              (_("Grondslag"), f"{stroom.grondslag.naam} ({stroom.grondslag.wettelijke_verwijzing})")]
    if stroom.zwaarwegend_algemeen_belang:
        rijen.append((_("Zwaarwegend algemeen belang"), stroom.zwaarwegend_algemeen_belang))
    if stroom.voorwaarden:
        rijen.append((_("Voorwaarden"), stroom.voorwaarden))
    niet_vastgelegd = _("niet vastgelegd")
    rijen += [(_("Kanaal"), stroom.kanaal or niet_vastgelegd), (_("Frequentie"), stroom.frequentie or niet_vastgelegd),
              (_("Bewaartermijn"), stroom.bewaartermijn or niet_vastgelegd),
              (_("Verdere verstrekking"), _("toegestaan") if stroom.verdere_verstrekking else _("niet toegestaan")),
              (_("Beveiligingsafspraken"), stroom.beveiligingsafspraken or niet_vastgelegd)]
    if stroom.afspraak is not None:
        nummer = artikelen.get(stroom.afspraak_id)
        rijen.append((_("Hoort bij afspraak"), _("artikel %(nummer)s, %(titel)s") % {
            "nummer": nummer, "titel": stroom.afspraak.titel} if nummer else stroom.afspraak.titel))
    return rijen


def gegevensdeling(stromen: list[Gegevensstroom], hoofdstukken: list[Hoofdstuk]) -> list[Stroomtabel]:
    """The annex Gegevensdeling (issue 15): one table per flow (stroomregels.flows_with_receivers), an afspraak
    named by the number of its artikel in this document."""
    artikelen = {artikel.afspraak.pk: artikel.nummer for hoofdstuk in hoofdstukken for paragraaf in
                 hoofdstuk.paragrafen for artikel in paragraaf.artikelen if artikel.afspraak is not None}
    tabellen = []
    for nummer, stroom in enumerate(stromen, start=1):
        ontvangers = [o.naam for o in stroom.partij_ontvangers] + (
            [stroom.overige_ontvangers] if stroom.overige_ontvangers else [])
        titel = _("van %(verstrekker)s aan %(ontvangers)s") % {"verstrekker": stroom.verstrekker,
                                                             "ontvangers": ", ".join(ontvangers) or "—"}
        tabellen.append(Stroomtabel(nummer, titel, _stroomrijen(stroom, artikelen)))
    return tabellen


def context(arrangement: Arrangement, *, afspraken: list[Afspraak], partijen: list[Partij], gemeenten: list,
            inzet: list, stromen: list[Gegevensstroom]) -> dict:
    """Everything the agreement's template needs besides the arrangement itself."""
    algemeen = Hoofdstuk(1, _("Algemene bepalingen"), [Paragraaf("", [
        Artikel(1, _("Begripsbepalingen"), [_("In dit arrangement wordt verstaan onder:")], opsomming=[
            _("boa: buitengewoon opsporingsambtenaar in dienst van of ingezet door een partij;"),
            _("driehoek: de %(driehoek)s, het overleg van burgemeester(s), officier van justitie en politie;")
            % {"driehoek": arrangement.driehoek.naam},
            _("arrangement: dit handhavingsarrangement met de afspraken hierna."),
        ]),
        Artikel(2, _("Inzet van boa's"), [
            _("De inzet van boa's per domein, het werkgebied en de geweldsmiddelen staan in de tabel en de "
              "gegevens hieronder."),
        ], met_inzet=True),
    ])])
    hoofdstukken, volgende = _afspraken_hoofdstukken(afspraken, eerste=2, nummer=3)
    slot = Hoofdstuk(2 + len(hoofdstukken), _("Slotbepalingen"), [Paragraaf("", slotbepalingen(arrangement,
                                                                                                volgende))])
    return {
        "partijteksten": [partijtekst(p) for p in partijen],
        "considerans": considerans(arrangement, gemeenten),
        "algemeen": algemeen,
        "hoofdstukken": hoofdstukken,
        "slot": slot,
        "inzet": inzet,
        "gegevensdeling": gegevensdeling(stromen, hoofdstukken),
    }
