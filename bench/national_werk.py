"""The national data set's work: arrangementen with their afspraken and workflow steps, overleggen and
actiepunten (bench/national_data.py calls these)."""

import copy
import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from bench.national_basis import (
    ACTIEPUNTEN,
    ARRANGEMENTEN,
    BATCH,
    LAATSTE_STATUS,
    OVERLEGGEN_PER_DRIEHOEK,
    PADEN,
    THEMA,
    _bulk,
    _history_update,
    _pick,
    _tekst,
)


def _arrangementen(rng, driehoeken, members, log):
    from arrangementen.models import (
        Afspraak,
        Arrangement,
        Beoordeling,
        BoaInzet,
        Domein,
        Modelafspraak,
        Opmerking,
        Partij,
        Statusovergang,
    )
    from samenwerking.models import Organisatie

    clauses = list(Modelafspraak.objects.filter(actief=True, standaard=True).select_related("onderwerp"))
    onderwerpen = sorted({c.onderwerp for c in clauses}, key=lambda o: o.pk)
    om = Organisatie.objects.filter(soort=Organisatie.Soort.OM).order_by("naam").first()
    gemeente_org = {o.gemeente_id: o for o in Organisatie.objects.filter(soort=Organisatie.Soort.GEMEENTE)}
    politie_org = {o.basisteam_id: o for o in Organisatie.objects.filter(soort=Organisatie.Soort.POLITIE)}
    driehoek_gemeenten = defaultdict(list)
    for driehoek in driehoeken:
        for gemeente in driehoek.gemeenten.all():
            driehoek_gemeenten[driehoek.pk].append(gemeente)
    now = timezone.now()
    today = timezone.localdate()

    # Per driehoek 20 arrangementen, as chains of versions (herzieningen): 1–4 versions each.
    plan = []  # (driehoek, chain index, version)
    per_driehoek = ARRANGEMENTEN // len(driehoeken)
    for driehoek in driehoeken:
        left, chain = per_driehoek, 0
        while left:
            length = min(left, rng.choice([1, 1, 2, 2, 3, 4]))
            plan.extend((driehoek, chain, v) for v in range(1, length + 1))
            left -= length
            chain += 1
    chain_length = defaultdict(int)
    for driehoek, chain, v in plan:
        chain_length[(driehoek.pk, chain)] = max(chain_length[(driehoek.pk, chain)], v)

    previous = {}  # (driehoek pk, chain) -> (arrangement, {volgorde: afspraak})
    counts = defaultdict(int)
    for version in range(1, 5):
        level = [(d, c, v) for d, c, v in plan if v == version]
        if not level:
            break
        arrangementen, steps, keys = [], [], []
        for driehoek, chain, v in level:
            last = v == chain_length[(driehoek.pk, chain)]
            # Older versions were adopted or signed before they were revised; the newest may be anywhere.
            status = rng.choice(LAATSTE_STATUS) if last else rng.choice(["vastgesteld", "ondertekend"])
            who = members[driehoek.pk]
            created = now - datetime.timedelta(days=(5 - v) * 200 + rng.randrange(180), hours=rng.randrange(24))
            thema = rng.choice(THEMA)
            gemeenten = driehoek_gemeenten[driehoek.pk]
            adopted = status in ("vastgesteld", "ondertekend")
            van = (created + datetime.timedelta(days=30)).date()
            prev = previous.get((driehoek.pk, chain))
            aanleiding = _tekst(rng, thema, 2)
            # Still drawn (the old per-arrangement geweldsmiddelen list) so the rest of the data set stays the same.
            rng.sample(["handboeien", "wapenstok", "pepperspray"], rng.randrange(3))
            arrangement = Arrangement(
                driehoek=driehoek, titel=f"Handhavingsarrangement {driehoek.naam}: {thema}", versie=v,
                vorige_versie=prev[0] if prev else None, status="concept",
                doel=f"Afspraken over de samenwerking tussen BOA's en politie, met nadruk op {thema}.",
                aanleiding=aanleiding,
                werkgebied="De gemeenten " + ", ".join(g.weergavenaam for g in gemeenten) + ".",
                contactpersonen="Coördinator BOA's, via de gemeente.",
                geldig_van=van if adopted else None,
                geldig_tot=(van + datetime.timedelta(days=rng.randrange(300, 1100))) if adopted else None,
                evaluatiedatum=(today + datetime.timedelta(days=rng.randrange(-100, 200))) if adopted else None,
                opzegtermijn_maanden=3 if adopted else None,
                vastgesteld_op=(created + datetime.timedelta(days=25)).date() if adopted else None,
                # As levensloop.record_signed stamps it when the last party signs (the dekkingskaart reads it).
                ondertekend_op=created + datetime.timedelta(days=40) if status == "ondertekend" else None,
                besluit_referentie="Driehoeksoverleg, agendapunt 3" if adopted else "",
                lock_version=1 + rng.randrange(6), aangemaakt_door=_pick(rng, who, "coordinator"),
                aangemaakt_op=created,
            )
            arrangement._history_date = created
            arrangement._history_user = arrangement.aangemaakt_door
            arrangementen.append(arrangement)
            steps.append(PADEN[status])
            keys.append((driehoek.pk, chain))
        arrangementen = _bulk(Arrangement, arrangementen)

        partijen, inzet, afspraken, overgangen, beoordelingen, updates, opmerkingen = [], [], [], [], [], [], []
        afspraak_owner = []
        for arrangement, path, key in zip(arrangementen, steps, keys, strict=True):
            d = arrangement.driehoek
            prev = previous.get(key)
            organisaties = [gemeente_org[g.pk] for g in driehoek_gemeenten[d.pk]]
            organisaties += [politie_org[d.basisteam_id]] if d.basisteam_id in politie_org else []
            organisaties.append(om)
            partijen += [Partij(arrangement=arrangement, organisatie=o, volgorde=i,
                                ondertekenaar_functie=("burgemeester" if o.soort == "gemeente" else
                                                       "teamchef, namens de politiechef" if o.soort == "politie"
                                                       else "officier van justitie"))
                         for i, o in enumerate(organisaties)]
            inzet += [BoaInzet(arrangement=arrangement, domein=domein,
                               aantal_boas=rng.randrange(0, 15) if domein in ("I", "II") else 0,
                               fte=Decimal(rng.randrange(0, 100)) / 10 if domein in ("I", "II") else Decimal(0))
                      for domein in Domein.values]
            thema = arrangement.titel.rsplit(": ", 1)[-1]
            rows = [Afspraak(arrangement=arrangement, onderwerp=c.onderwerp, titel=c.titel, tekst=c.tekst,
                             verantwoordelijke=c.verantwoordelijke, volgorde=i, modelafspraak=c)
                    for i, c in enumerate(clauses)]
            for i in range(rng.randrange(1, 9)):
                extra = rng.choice(THEMA) if i else thema
                rows.append(Afspraak(arrangement=arrangement, onderwerp=rng.choice(onderwerpen),
                                     titel=f"Aanvullende afspraak over {extra}", tekst=_tekst(rng, extra),
                                     verantwoordelijke=rng.choice(["gemeente", "politie", "om", "gezamenlijk"]),
                                     volgorde=len(clauses) + i))
            if prev:
                for row in rows:
                    row.vorige = prev[1].get(row.volgorde)
            for row in rows:
                row._history_date = arrangement.aangemaakt_op
                row._history_user = arrangement.aangemaakt_door
            afspraken += rows
            afspraak_owner.append((key, arrangement, rows))

            who = members[d.pk]
            when = arrangement.aangemaakt_op
            for van, naar, rol in path:
                when += datetime.timedelta(days=rng.randrange(1, 8), hours=rng.randrange(8))
                actor = _pick(rng, who, rol)
                overgangen.append(Statusovergang(arrangement=arrangement, van=van, naar=naar, door=actor, op=when,
                                                 melding_verstuurd_op=when))
                if naar in ("goedgekeurd", "wijzigingen_gevraagd"):
                    beoordelingen.append(Beoordeling(arrangement=arrangement, beoordelaar=actor, besluit=naar, op=when,
                                                     toelichting="Akkoord." if naar == "goedgekeurd"
                                                     else "Graag de afspraken over de meldkamer aanvullen."))
                state = copy.copy(arrangement)
                state.status = naar
                state._history_date = when
                state._history_user = actor
                updates.append(state)
                arrangement.status = naar
            if arrangement.status in ("ter_review", "wijzigingen_gevraagd"):
                for n in range(3):
                    opmerkingen.append(Opmerking(arrangement=arrangement, auteur=_pick(rng, who, "reviewer"),
                                                 tekst=f"Opmerking {n + 1}: {_tekst(rng, thema, 1)}",
                                                 geplaatst_op=when))
        if updates:
            Arrangement.objects.bulk_update([a for a in arrangementen if a.status != "concept"], ["status"],
                                            batch_size=BATCH)
            _history_update(Arrangement, updates)
        _bulk(Partij, partijen)
        _bulk(BoaInzet, inzet)
        afspraken = _bulk(Afspraak, afspraken)
        _bulk(Statusovergang, overgangen)
        _bulk(Beoordeling, beoordelingen)
        _bulk(Opmerking, opmerkingen)
        for key, arrangement, rows in afspraak_owner:
            previous[key] = (arrangement, {row.volgorde: row for row in rows})
        counts["arrangementen"] += len(arrangementen)
        counts["afspraken"] += len(afspraken)
        log(f"arrangementen versie {version} ({len(arrangementen)}, {len(afspraken)} afspraken)")
    # bulk_create stamps every row with now (auto_now): set the last change to the last workflow step instead;
    # a signed version is replaced from the start of the next signed one, as levensloop.record_signed records it.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE arrangementen_arrangement a SET vervangen_per = GREATEST(n.geldig_van, n.ondertekend_op::date) "
            "FROM arrangementen_arrangement n WHERE n.vorige_versie_id = a.id AND a.ondertekend_op IS NOT NULL "
            "AND n.ondertekend_op IS NOT NULL")
        cursor.execute(
            "UPDATE arrangementen_arrangement a SET gewijzigd_op = COALESCE("
            "(SELECT max(s.op) FROM arrangementen_statusovergang s WHERE s.arrangement_id = a.id), a.aangemaakt_op)")
    return dict(counts)


def _actiepunten(rng, driehoeken, members, log):
    from actiepunten.models import Actiepunt, Agendapunt, Deelname, Overleg, Status
    from arrangementen.models import Arrangement

    today = timezone.localdate()
    overleggen = []
    for driehoek in driehoeken:
        for i in range(OVERLEGGEN_PER_DRIEHOEK):
            secretaris = _pick(rng, members[driehoek.pk], "secretaris")
            datum = today - datetime.timedelta(days=30 * (OVERLEGGEN_PER_DRIEHOEK - i) + rng.randrange(20))
            overleg = Overleg(driehoek=driehoek, soort=rng.choice(Overleg.Soort.values), datum=datum,
                              begintijd=datetime.time(10), eindtijd=datetime.time(12), locatie="Gemeentehuis",
                              secretaris=secretaris, voorzitter=_pick(rng, members[driehoek.pk], "reviewer"),
                              verslag="<p>De deelnemers bespreken de inzet van de afgelopen periode.</p>")
            overleg._history_user = secretaris
            overleggen.append(overleg)
    overleggen = _bulk(Overleg, overleggen)
    deelnames, agenda = [], []
    for overleg in overleggen:
        leden = {u.pk: u for rs in members[overleg.driehoek_id].values() for u in rs}
        for user in rng.sample(list(leden.values()), min(4, len(leden))):
            deelnames.append(Deelname(overleg=overleg, gebruiker=user, aanwezig=rng.random() < 0.85))
        agenda += [Agendapunt(overleg=overleg, volgorde=n + 1, onderwerp=o)
                   for n, o in enumerate(["Opening", rng.choice(THEMA).capitalize(), "Rondvraag"])]
    _bulk(Deelname, deelnames)
    _bulk(Agendapunt, agenda)
    log(f"overleggen ({len(overleggen)})")

    by_driehoek = defaultdict(list)
    for overleg in overleggen:
        by_driehoek[overleg.driehoek_id].append(overleg)
    arrangementen = defaultdict(list)
    for pk, driehoek_id in Arrangement.objects.values_list("pk", "driehoek_id"):
        arrangementen[driehoek_id].append(pk)
    statuses = [Status.OPEN] * 55 + [Status.IN_UITVOERING] * 20 + [Status.GEREED] * 20 + [Status.VERVALLEN] * 5
    nummers = defaultdict(int)
    rows = []
    for n in range(ACTIEPUNTEN):
        driehoek = driehoeken[n % len(driehoeken)]
        nummers[driehoek.pk] += 1
        leden = [u for rs in members[driehoek.pk].values() for u in rs]
        external = rng.random() < 0.3
        status = rng.choice(statuses)
        overleg = rng.choice(by_driehoek[driehoek.pk]) if rng.random() < 0.6 else None
        row = Actiepunt(
            driehoek=driehoek, overleg=overleg, nummer=nummers[driehoek.pk],
            onderwerp=f"Actie {nummers[driehoek.pk]}: {rng.choice(THEMA)} bespreken en terugkoppelen",
            eigenaar=None if external else rng.choice(leden),
            extern_naam="Externe Eigenaar" if external else "",
            extern_email=f"extern{n % 500}@example.invalid" if external else "",
            extern_organisatie="Omgevingsdienst" if external else "",
            datum_gereed=today + datetime.timedelta(days=int(rng.triangular(-365, 180, 0))), status=status,
            gereed_op=today - datetime.timedelta(days=rng.randrange(60)) if status == Status.GEREED else None,
            arrangement_id=rng.choice(arrangementen[driehoek.pk]) if rng.random() < 0.2 else None,
        )
        row._history_user = overleg.secretaris if overleg else None
        rows.append(row)
    _bulk(Actiepunt, rows)
    log(f"actiepunten ({len(rows)})")
    return {"overleggen": len(overleggen), "actiepunten": len(rows)}
