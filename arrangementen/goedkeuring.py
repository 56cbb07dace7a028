"""Review per party: which parties must approve an arrangement, for which party a reviewer speaks, and where
each party stands.

The parties that must approve are computed from the arrangement's partijen and its driehoek's setting
(`Driehoek.goedkeurende_soorten`) at the moment of asking, so a secretaris who changes the setting changes it for
every arrangement still under review; each Beoordeling records the party (its organisation) it was given for,
so what was decided stays readable whatever the setting becomes. When no party is required (no partijen, or a
setting that names none), one reviewer's approval is enough, as before review per party.

An arrangement that shares data (it has gegevensstromen) also needs the approval of a privacy adviser of its
driehoek (privacy_required, the one rule): a Beoordeling with hoedanigheid PRIVACY. A user decides in the
capacities their roles give (reviewer: for their party; privacyadviseur: as privacy adviser); one who holds both
and could use either names the capacity (`namens`).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.historie import save_tracked as _save
from samenwerking.models import Organisatie

from .models import Arrangement, Beoordeling, Opmerking, Partij, Status, Statusovergang

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
GOEDGEKEURD = Beoordeling.Besluit.GOEDGEKEURD
WIJZIGINGEN = Beoordeling.Besluit.WIJZIGINGEN_GEVRAAGD
PARTIJ = Beoordeling.Hoedanigheid.PARTIJ  # toegang.FOR_PARTY
PRIVACY = Beoordeling.Hoedanigheid.PRIVACY  # toegang.PRIVACY_ADVICE


def privacy_required(arrangement: Arrangement, *, stromen: list | None = None) -> bool:
    """The one rule for the privacy adviser: an arrangement that shares data needs their approval as well.

    `stromen`: its flows when the caller read them; else the `heeft_gegevensstromen` annotation of the selectors;
    else one query."""
    if stromen is not None:
        return bool(stromen)
    known = getattr(arrangement, "heeft_gegevensstromen", None)
    return bool(known) if known is not None else arrangement.gegevensstromen.exists()


def capacities(held: set[str]) -> list[str]:
    """These capacities (toegang.capacities_on_many) in a fixed order: for the user's party, as privacy adviser."""
    return [h for h in (PARTIJ, PRIVACY) if h in held]


def capacities_of(user, arrangement: Arrangement) -> set[str]:
    return toegang.capacities_on_many(user, [arrangement.driehoek])[arrangement.driehoek_id]


def required_partijen(arrangement: Arrangement, partijen: list[Partij] | None = None) -> list[Partij]:
    """The parties whose approval the arrangement needs, in the parties' order (`partijen`: the arrangement's
    parties with their organisation when the caller has them; else prefetched ones, else one query)."""
    soorten = set(arrangement.driehoek.goedkeurende_soorten or [])
    drafter_organisatie = arrangement.aangemaakt_door.organisatie_id
    if partijen is None:
        partijen = getattr(arrangement, "_prefetched_objects_cache", {}).get("partijen")
    if partijen is None:
        partijen = arrangement.partijen.select_related("organisatie")
    return [
        partij for partij in sorted(partijen, key=lambda p: (p.volgorde, p.pk))
        if partij.organisatie.soort in soorten
        and not (partij.organisatie.soort == Organisatie.Soort.GEMEENTE
                 and partij.organisatie_id == drafter_organisatie)
    ]


def party_of(user, partijen: list[Partij]) -> Partij | None:
    """The party among these for which this user speaks: the one of the user's own organisation, or, for the
    politie party (the eenheid, namens de politiechef), a basisteam of that eenheid (the teamchef)."""
    organisatie = user.organisatie if user.organisatie_id else None
    if organisatie is None:
        return None
    eenheid = organisatie.basisteam.eenheid_id if organisatie.basisteam_id else None
    return next((p for p in partijen if p.organisatie_id == organisatie.pk
                 or (eenheid and p.organisatie.soort == Organisatie.Soort.POLITIE
                     and p.organisatie.eenheid_id == eenheid)), None)


def reviewer_filter(partijen: list[Partij]) -> Q:
    """The users who speak for one of these parties (party_of, as a query)."""
    eenheden = [p.organisatie.eenheid_id for p in partijen
                if p.organisatie.soort == Organisatie.Soort.POLITIE and p.organisatie.eenheid_id]
    return Q(organisatie__in=[p.organisatie_id for p in partijen]) | Q(organisatie__basisteam__eenheid__in=eenheden)


def awaits(user, arrangement: Arrangement, *, held: set[str]) -> bool:
    """Whether the arrangement (under review, with `geldige_beoordelingen` prefetched) awaits this user's
    approval (`held`: the user's capacities in its driehoek): as privacy adviser, a privacy approval it needs and
    lacks; for a party, the user speaks for a required party that has not approved yet."""
    geldig = arrangement.geldige_beoordelingen
    if PRIVACY in held and privacy_required(arrangement) and _latest(geldig, PRIVACY, GOEDGEKEURD) is None:
        return True
    if PARTIJ not in held:
        return False
    required = required_partijen(arrangement)
    if not required:
        return not any(b.beoordelaar_id == user.pk and b.hoedanigheid == PARTIJ for b in geldig)
    partij = party_of(user, required)
    return partij is not None and not any(
        b.organisatie_id == partij.organisatie_id and b.besluit == GOEDGEKEURD and b.hoedanigheid == PARTIJ
        for b in geldig)


def _latest(beoordelingen, hoedanigheid: str, besluit: str | None = None) -> Beoordeling | None:
    """The latest valid decision in this capacity (of this besluit)."""
    return max((b for b in beoordelingen if b.hoedanigheid == hoedanigheid and not b.vervallen
                and besluit in (None, b.besluit)), key=lambda b: (b.op, b.pk), default=None)


def live_decisions(arrangement: Arrangement) -> list[Beoordeling]:
    return list(arrangement.beoordelingen.filter(vervallen=False).select_related("beoordelaar", "organisatie"))


def approved_organisaties(arrangement: Arrangement) -> set[int]:
    return set(arrangement.beoordelingen.filter(vervallen=False, besluit=GOEDGEKEURD, hoedanigheid=PARTIJ)
               .exclude(organisatie=None).values_list("organisatie_id", flat=True))


@dataclass(frozen=True)
class PartijStand:
    partij: Partij
    beoordeling: Beoordeling | None  # the party's latest valid decision, None: nog niet beoordeeld


def party_states(arrangement: Arrangement, *, partijen: list[Partij] | None = None,
                 beoordelingen: list[Beoordeling] | None = None) -> list[PartijStand]:
    """Each required party with its latest decision that still holds (`partijen`, `beoordelingen`: all of the
    arrangement's, when the caller has read them already)."""
    if beoordelingen is None:
        beoordelingen = live_decisions(arrangement)
    latest: dict[int, Beoordeling] = {}
    for beoordeling in sorted(beoordelingen, key=lambda b: (b.op, b.pk)):
        if beoordeling.organisatie_id and not beoordeling.vervallen and beoordeling.hoedanigheid == PARTIJ:
            latest[beoordeling.organisatie_id] = beoordeling
    return [PartijStand(partij=p, beoordeling=latest.get(p.organisatie_id))
            for p in required_partijen(arrangement, partijen)]


def has_approved(user, standen: list[PartijStand]) -> bool:
    """Whether the party this user speaks for (among `standen`, from party_states) holds an approval already."""
    partij = party_of(user, [s.partij for s in standen])
    return partij is not None and any(s.partij.pk == partij.pk and s.beoordeling is not None
                                      and s.beoordeling.besluit == GOEDGEKEURD for s in standen)


@dataclass(frozen=True)
class PrivacyStand:
    beoordeling: Beoordeling | None  # the privacy adviser's latest valid decision, None: nog niet beoordeeld

    @property
    def goedgekeurd(self) -> bool:
        return self.beoordeling is not None and self.beoordeling.besluit == GOEDGEKEURD


def privacy_state(arrangement: Arrangement, *, beoordelingen: list[Beoordeling] | None = None,
                  stromen: list | None = None) -> PrivacyStand | None:
    """Where the privacy approval stands; None when the arrangement shares no data and needs none
    (`beoordelingen`, `stromen`: the arrangement's, when the caller has read them already)."""
    if not privacy_required(arrangement, stromen=stromen):
        return None
    return PrivacyStand(beoordeling=_latest(live_decisions(arrangement) if beoordelingen is None
                                            else beoordelingen, PRIVACY))


def open_capacities(user, *, held: set[str], standen: list[PartijStand],
                    privacy: PrivacyStand | None) -> list[str]:
    """The capacities in which this user may still approve (`standen`, `privacy`: party_states, privacy_state):
    what the page offers; record_decision gives the reasons when one is refused after all."""
    return [h for h in capacities(held) if (h == PARTIJ and not has_approved(user, standen))
            or (h == PRIVACY and privacy is not None and not privacy.goedgekeurd)]


def _refuse(arrangement: Arrangement, message: str):
    raise toegang.Geweigerd(message, obj=arrangement)


def record_decision(*, arrangement: Arrangement, user, besluit: str, toelichting: str, namens: str = "") -> bool:
    """Record one decision on the (row-locked) arrangement, for the user's party or as privacy adviser (`namens`,
    when the user could give it in both capacities); True when the status should now change.

    Called only from workflow.perform, under the arrangement's row lock, so of two parties approving at the same
    moment the second one reads the first one's approval and only one of them is the last.
    """
    hoedanigheid = _capacity(user, arrangement, besluit=besluit, namens=namens)
    if hoedanigheid == PRIVACY:
        _record_as_privacy_adviser(arrangement=arrangement, user=user, besluit=besluit, toelichting=toelichting)
    else:
        _record_for_party(arrangement=arrangement, user=user, besluit=besluit, toelichting=toelichting)
    return besluit != GOEDGEKEURD or _all_approved(arrangement)


def choosable_capacities(user, arrangement: Arrangement, *, besluit: str, held: set[str]) -> list[str]:
    """The capacities this decision can still be given in by this user; with two, the user names one."""
    if besluit != GOEDGEKEURD:
        return capacities(held)
    choosable = []
    if PARTIJ in held:
        required = required_partijen(arrangement)
        partij = party_of(user, required)
        if not required or (partij and partij.organisatie_id not in approved_organisaties(arrangement)):
            choosable.append(PARTIJ)
    privacy = privacy_state(arrangement) if PRIVACY in held else None
    if privacy is not None and not privacy.goedgekeurd:
        choosable.append(PRIVACY)
    return choosable


def asks_capacity(user, arrangement: Arrangement, *, besluit: str) -> bool:
    """Whether the review form asks in which capacity (`namens`) the user gives this decision."""
    return len(choosable_capacities(user, arrangement, besluit=besluit, held=capacities_of(user, arrangement))) > 1


def _capacity(user, arrangement: Arrangement, *, besluit: str, namens: str) -> str:
    held = capacities(capacities_of(user, arrangement))
    if namens:
        if namens not in held:
            _refuse(arrangement, _("U kunt niet als privacyadviseur beslissen: u heeft die rol in deze driehoek niet.")
                    if namens == PRIVACY else _("U kunt niet namens een partij beslissen: u bent in deze driehoek "
                                                "geen beoordelaar."))
        return namens
    choosable = choosable_capacities(user, arrangement, besluit=besluit, held=set(held))
    if len(choosable) > 1:
        raise ValidationError({"namens": _("U bent beoordelaar én privacyadviseur: kies namens wie u beslist.")},
                              code="namens_kiezen")
    return (choosable or held or [PARTIJ])[0]


def _record_for_party(*, arrangement: Arrangement, user, besluit: str, toelichting: str) -> None:
    required = required_partijen(arrangement)
    partij = party_of(user, required) or party_of(user, list(arrangement.partijen.all()))
    if besluit == GOEDGEKEURD and required:
        if partij is None or partij not in required:
            _refuse(arrangement, _("U kunt dit arrangement niet goedkeuren: u hoort niet bij een partij die het "
                                   "moet goedkeuren (%(partijen)s). Vraag de beheerder uw organisatie in te stellen "
                                   "als die niet klopt.") % {"partijen": ", ".join(str(p.organisatie)
                                                                                    for p in required)})
        earlier = arrangement.beoordelingen.filter(vervallen=False, besluit=GOEDGEKEURD, hoedanigheid=PARTIJ,
                                                   organisatie=partij.organisatie).select_related("beoordelaar")[:1]
        if earlier:
            raise_already(partij, earlier[0])
    _save(Beoordeling(arrangement=arrangement, beoordelaar=user, toelichting=toelichting.strip(), besluit=besluit,
                      organisatie=partij.organisatie if partij else None), user)


def _record_as_privacy_adviser(*, arrangement: Arrangement, user, besluit: str, toelichting: str) -> None:
    if besluit == GOEDGEKEURD:
        if not privacy_required(arrangement):
            _refuse(arrangement, _("Dit arrangement deelt geen gegevens: een goedkeuring van de privacyadviseur is "
                                   "niet nodig."))
        earlier = _latest(live_decisions(arrangement), PRIVACY, GOEDGEKEURD)
        if earlier:
            raise ValidationError(
                _("De privacyadviseur heeft dit arrangement al goedgekeurd (door %(naam)s op %(datum)s).")
                % {"naam": earlier.beoordelaar, "datum": timezone.localtime(earlier.op).strftime("%d-%m-%Y")},
                code="al_goedgekeurd")
    _save(Beoordeling(arrangement=arrangement, beoordelaar=user, toelichting=toelichting.strip(), besluit=besluit,
                      hoedanigheid=PRIVACY, organisatie_id=user.organisatie_id), user)


def _all_approved(arrangement: Arrangement) -> bool:
    """Every required party holds an approval (none required: any party's), and so does the privacy adviser
    when the arrangement shares data."""
    approvals = list(arrangement.beoordelingen.filter(vervallen=False, besluit=GOEDGEKEURD)
                     .values_list("hoedanigheid", "organisatie_id"))
    required = {p.organisatie_id for p in required_partijen(arrangement)}
    by_party = {organisatie for hoedanigheid, organisatie in approvals if hoedanigheid == PARTIJ}
    parties = required <= by_party if required else any(h == PARTIJ for h, _o in approvals)
    return parties and (not privacy_required(arrangement) or any(h == PRIVACY for h, _o in approvals))


def raise_already(partij: Partij, beoordeling: Beoordeling):
    raise ValidationError(
        _("%(partij)s heeft dit arrangement al goedgekeurd (door %(naam)s op %(datum)s).")
        % {"partij": partij.organisatie, "naam": beoordeling.beoordelaar,
           "datum": timezone.localtime(beoordeling.op).strftime("%d-%m-%Y")},
        code="al_goedgekeurd",
    )


def void(*, arrangement: Arrangement, user, door_wijziging: bool) -> int:
    """Void the approvals that hold; after a content change also mark those voided since the last submission
    (by 'terug naar concept') as voided by that change, so the page can say when the content changed."""
    now = timezone.now()
    rows = list(arrangement.beoordelingen.filter(vervallen=False))
    if door_wijziging:
        since = last_submission(arrangement) or EPOCH
        rows += list(arrangement.beoordelingen.filter(vervallen=True, vervallen_door_wijziging=False,
                                                      besluit=GOEDGEKEURD, vervallen_op__gte=since))
    for beoordeling in rows:
        beoordeling.vervallen, beoordeling.vervallen_op = True, now
        beoordeling.vervallen_door_wijziging = door_wijziging and beoordeling.besluit == GOEDGEKEURD
        _save(beoordeling, user)
    return len(rows)


def last_submission(arrangement: Arrangement) -> datetime.datetime | None:
    return (Statusovergang.objects.filter(arrangement=arrangement, naar=Status.TER_REVIEW)
            .aggregate(m=Max("op"))["m"])


def unresolved_opmerkingen(arrangement: Arrangement) -> list[Opmerking]:
    """Open comments (threads' first posts) an approver is asked to confirm they leave open."""
    return list(arrangement.opmerkingen.filter(opgelost=False, antwoord_op=None).order_by("geplaatst_op", "pk"))


def describe_opmerkingen(opmerkingen: list[Opmerking]) -> str:
    """'2 open opmerkingen: “De termijn …”, “Wie betaalt …”' — count and first words."""
    names = ", ".join(f"“{' '.join(o.tekst.split()[:6])}{' …' if len(o.tekst.split()) > 6 else ''}”"
                      for o in opmerkingen)
    return _("%(aantal)s open opmerking(en): %(namen)s") % {"aantal": len(opmerkingen), "namen": names}


def page_notices(arrangement: Arrangement, *, overgangen: list[Statusovergang] | None = None,
                 beoordelingen: list[Beoordeling] | None = None) -> dict:
    """What the top of the arrangement page says about the review: changes asked, approvals voided
    (`overgangen`, `beoordelingen`: all of the arrangement's, when the caller has read them already)."""
    if arrangement.status not in (Status.CONCEPT, Status.WIJZIGINGEN_GEVRAAGD, Status.TER_REVIEW):
        return {}
    if overgangen is None or beoordelingen is None:
        return _page_notices_queried(arrangement)
    since = max((o.op for o in overgangen if o.naar == Status.TER_REVIEW), default=EPOCH)
    asked = None
    if arrangement.status != Status.TER_REVIEW:
        asked = max((b for b in beoordelingen if b.besluit == WIJZIGINGEN and b.op >= since),
                    key=lambda b: (b.op, b.pk), default=None)
    voided = max((b.vervallen_op for b in beoordelingen if b.vervallen_door_wijziging and b.vervallen_op),
                 default=None)
    return {"wijzigingen_gevraagd": asked, "goedkeuringen_vervallen_op": voided}


def _page_notices_queried(arrangement: Arrangement) -> dict:
    since = last_submission(arrangement) or EPOCH
    asked = None
    if arrangement.status != Status.TER_REVIEW:  # one query whatever the history, for a fixed page budget
        asked = (arrangement.beoordelingen.filter(besluit=WIJZIGINGEN, op__gte=since)
                 .select_related("beoordelaar", "organisatie").order_by("-op", "-pk").first())
    voided = (arrangement.beoordelingen.filter(vervallen_door_wijziging=True)
              .aggregate(m=Max("vervallen_op"))["m"])
    return {"wijzigingen_gevraagd": asked, "goedkeuringen_vervallen_op": voided}
