"""A national-scale data set for `make bench`: 342 gemeenten, ~170 basisteams, 500 driehoeken, 5,000 users with
memberships, 10,000 arrangementen with ~25 afspraken each, 100,000 actiepunten — with history rows and the guardian
permission rows the membership services would have written.

Bulk inserts throughout (the services write one row at a time, which would take an hour here). What the services
would add is written as they would write it:
- each membership gets the guardian rows of samenwerking.rollen.ROLE_PERMISSIONS for the union of the user's roles
  in that driehoek; a sample is re-synced through samenwerking.services.sync_permissions afterwards, which must
  change nothing (checked, or the run stops);
- every created row gets its '+' history row (django-simple-history's bulk_history_create), and each workflow step
  of an arrangement a '~' row, a Statusovergang and, for reviews, a Beoordeling.
Not generated: security audit log entries for the memberships (no measured page reads them) and PDF documents.

Use `generate()` from a process where Django is set up against an empty, migrated database.
"""

import copy
import datetime
import random
import time
from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

SEED = 20261128
DRIEHOEKEN = 500
BASISTEAMS = 170
GEBRUIKERS = 5000
ARRANGEMENTEN = 10000
ACTIEPUNTEN = 100000
OVERLEGGEN_PER_DRIEHOEK = 10
BATCH = 2000

VOORNAMEN = ["Anne", "Bram", "Carla", "Daan", "Eva", "Fatima", "Gert", "Hanna", "Ismail", "Joke", "Kees", "Lotte",
             "Mohamed", "Nina", "Olaf", "Priya", "Quinten", "Rosa", "Sven", "Tamara", "Uriel", "Vera", "Willem",
             "Yara", "Zeynep", "Bas", "Ingrid", "Jeroen", "Marloes", "Ruben"]
ACHTERNAMEN = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
               "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra",
               "Yilmaz", "El Amrani", "Kok", "Jacobs", "van Dijk", "Schouten", "Willems", "Hoekstra", "Verhoeven"]
THEMA = ["jeugdoverlast", "afvaldumping", "parkeeroverlast", "evenementen", "horecatoezicht", "drugsoverlast",
         "fietsendiefstal", "ondermijning", "strandtoezicht", "natuurgebieden", "woonoverlast", "verkeersveiligheid",
         "zwerfafval", "hondenpoep", "vuurwerk", "winkeldiefstal", "marktterrein", "stationsgebied"]
ZINNEN = [
    "De BOA's melden signalen over {t} binnen een werkdag bij het basisteam.",
    "Bij {t} treden BOA's en politie waar nodig samen op; de teamchef bepaalt de inzet.",
    "De gemeente rapporteert elk kwartaal over de inzet op {t} aan de driehoek.",
    "Voor {t} geldt een gezamenlijke briefing op vrijdag met de wijkagenten.",
    "Het OM beoordeelt de aanpak van {t} jaarlijks in het tactisch overleg.",
]
ROL_VERDELING = ["coordinator"] * 20 + ["reviewer"] * 20 + ["secretaris"] * 10 + ["ondertekenaar"] * 15 \
    + ["lezer"] * 35
AANTAL_DRIEHOEKEN = [1] * 35 + [2] * 25 + [3] * 20 + [4] * 12 + [5] * 8
# The workflow path to each final status (arrangementen/workflow.py), as (van, naar, actor role) steps.
PADEN = {
    "concept": [],
    "ter_review": [("concept", "ter_review", "coordinator")],
    "wijzigingen_gevraagd": [("concept", "ter_review", "coordinator"),
                             ("ter_review", "wijzigingen_gevraagd", "reviewer")],
    "goedgekeurd": [("concept", "ter_review", "coordinator"), ("ter_review", "goedgekeurd", "reviewer")],
    "vastgesteld": [("concept", "ter_review", "coordinator"), ("ter_review", "goedgekeurd", "reviewer"),
                    ("goedgekeurd", "vastgesteld", "secretaris")],
    "ondertekend": [("concept", "ter_review", "coordinator"), ("ter_review", "goedgekeurd", "reviewer"),
                    ("goedgekeurd", "vastgesteld", "secretaris"), ("vastgesteld", "ondertekend", "ondertekenaar")],
    "ingetrokken": [("concept", "ingetrokken", "coordinator")],
}
LAATSTE_STATUS = ["concept"] * 25 + ["ter_review"] * 10 + ["wijzigingen_gevraagd"] * 5 + ["goedgekeurd"] * 5 \
    + ["vastgesteld"] * 15 + ["ondertekend"] * 35 + ["ingetrokken"] * 5
# The measured user: a BOA-coördinator in four driehoeken (one basisteamdriehoek and three local ones).
BENCH_USERNAME = "bench-coordinator"
BENCH_DRIEHOEKEN = 4


def _bulk(model, objs, *, user=None, date=None, history=True):
    """bulk_create in batches, then the '+' history row of each object, as the app would have written it."""
    created = []
    for i in range(0, len(objs), BATCH):
        created.extend(model.objects.bulk_create(objs[i:i + BATCH]))
    if history and hasattr(model, "history"):
        for i in range(0, len(created), BATCH):
            model.history.bulk_history_create(created[i:i + BATCH], default_user=user, default_date=date)
    return created


def _history_update(model, objs):
    """'~' rows for objects whose fields were changed in memory (with _history_date/_history_user set)."""
    for i in range(0, len(objs), BATCH):
        model.history.bulk_history_create(objs[i:i + BATCH], update=True)


def _pick(rng, who, rol):
    """A member with this role in the driehoek; any member if that role's only membership has ended."""
    return rng.choice(who[rol] or [u for users in who.values() for u in users])


def _tekst(rng, thema, n=3):
    return " ".join(rng.choice(ZINNEN).format(t=thema) for _ in range(n))


class Log:
    def __init__(self):
        self.start = time.perf_counter()
        self.steps = {}

    def __call__(self, step):
        now = time.perf_counter()
        self.steps[step] = round(now - self.start, 1)
        print(f"  {step}: {self.steps[step]:.1f} s", flush=True)


def _geography(rng, log):
    from samenwerking.models import Basisteam, Driehoek, Eenheid, Gemeente, Organisatie, Werkgebied

    call_command("laad_referentiedata", verbosity=0)
    covered = set(Werkgebied.objects.values_list("gemeente_id", flat=True))
    gemeenten = list(Gemeente.objects.select_related("eenheid").order_by("eenheid__code", "cbs_code"))
    free = [g for g in gemeenten if g.pk not in covered]
    missing = BASISTEAMS - Basisteam.objects.count()
    # Spread the uncovered gemeenten over the missing basisteams, within one eenheid each (as the police does).
    per_team = max(1, round(len(free) / missing))
    groups, current = [], []
    for gemeente in free:
        if current and (len(current) >= per_team or current[0].eenheid_id != gemeente.eenheid_id):
            groups.append(current)
            current = []
        current.append(gemeente)
    groups.append(current)
    teams = _bulk(Basisteam, [Basisteam(naam=f"{g[0].weergavenaam} e.o.", eenheid=g[0].eenheid,
                                        bron="gegenereerd voor make bench", betrouwbaarheid="fictief")
                              for g in groups])
    _bulk(Werkgebied, [Werkgebied(basisteam=team, gemeente=gemeente, dekking=Werkgebied.Dekking.GEHEEL)
                       for team, group in zip(teams, groups, strict=True) for gemeente in group])
    log(f"basisteams ({Basisteam.objects.count()})")

    team_gemeenten = defaultdict(list)
    for werkgebied in Werkgebied.objects.select_related("gemeente"):
        team_gemeenten[werkgebied.basisteam_id].append(werkgebied.gemeente)
    orgs = [Organisatie(naam=f"Gemeente {g.weergavenaam}", soort=Organisatie.Soort.GEMEENTE, gemeente=g)
            for g in gemeenten]
    orgs += [Organisatie(naam=f"Politie basisteam {b.naam} ({b.eenheid.code})", soort=Organisatie.Soort.POLITIE,
                         basisteam=b) for b in Basisteam.objects.select_related("eenheid")]
    orgs += [Organisatie(naam=f"Openbaar Ministerie, parket {e.naam}", soort=Organisatie.Soort.OM)
             for e in Eenheid.objects.all()]
    _bulk(Organisatie, orgs)

    # Driehoeken through save() and gemeenten.set(): 500 rows, and the m2m history comes with them.
    driehoeken = []
    with transaction.atomic():
        for team in Basisteam.objects.select_related("eenheid").order_by("pk"):
            if not team_gemeenten[team.pk]:
                continue
            driehoek = Driehoek.objects.create(naam=f"Basisteamdriehoek {team.naam} ({team.eenheid.code})",
                                               soort=Driehoek.Soort.BASISTEAM, basisteam=team, eenheid=team.eenheid)
            driehoek.gemeenten.set(team_gemeenten[team.pk])
            driehoeken.append(driehoek)
        team_of = {g.pk: team_id for team_id, gs in team_gemeenten.items() for g in gs}
        for gemeente in rng.sample(gemeenten, DRIEHOEKEN - len(driehoeken)):
            driehoek = Driehoek.objects.create(naam=f"Driehoek {gemeente.weergavenaam}",
                                               soort=Driehoek.Soort.LOKAAL, basisteam_id=team_of.get(gemeente.pk),
                                               eenheid=gemeente.eenheid)
            driehoek.gemeenten.set([gemeente])
            driehoeken.append(driehoek)
    log(f"driehoeken ({len(driehoeken)})")
    return driehoeken


def _people(rng, driehoeken, log):
    from samenwerking.models import DriehoekGebruikerRecht, Gebruiker, Lidmaatschap, Organisatie
    from samenwerking.rollen import ALL_PERMISSIONS, permissions_for_roles

    password = make_password("bench-niet-om-in-te-loggen")
    today = timezone.localdate()
    orgs = list(Organisatie.objects.all())
    users = _bulk(Gebruiker, [
        Gebruiker(username=f"gebruiker{i:04d}", first_name=rng.choice(VOORNAMEN), last_name=rng.choice(ACHTERNAMEN),
                  email=f"gebruiker{i:04d}@example.invalid", password=password, organisatie=rng.choice(orgs),
                  functie="medewerker")
        for i in range(GEBRUIKERS - 1)
    ] + [Gebruiker(username=BENCH_USERNAME, first_name="Bench", last_name="Coördinator", password=password,
                   email="bench@example.invalid", functie="BOA-coördinator")])
    bench_user = users[-1]

    by_eenheid = defaultdict(list)
    for driehoek in driehoeken:
        by_eenheid[driehoek.eenheid_id].append(driehoek)
    eenheden = list(by_eenheid)
    weights = [len(by_eenheid[e]) for e in eenheden]
    roles = defaultdict(set)  # (user, driehoek) -> roles
    for user in users[:-1]:
        rol = rng.choice(ROL_VERDELING)
        pool = by_eenheid[rng.choices(eenheden, weights)[0]]
        for driehoek in rng.sample(pool, min(len(pool), rng.choice(AANTAL_DRIEHOEKEN))):
            roles[(user, driehoek)].add(rol)
            if rol == "reviewer" and rng.random() < 0.4:  # teamchefs and officieren review and sign
                roles[(user, driehoek)].add("ondertekenaar")
    # Every driehoek has at least a coördinator, a reviewer, a secretaris and an ondertekenaar.
    present = defaultdict(set)
    for (_user, driehoek), rs in roles.items():
        present[driehoek.pk] |= rs
    for driehoek in driehoeken:
        for rol in ("coordinator", "reviewer", "secretaris", "ondertekenaar"):
            if rol not in present[driehoek.pk]:
                roles[(rng.choice(users[:-1]), driehoek)].add(rol)
    # The measured user: coördinator in one basisteamdriehoek and three local driehoeken of the same eenheid.
    home = next(d for d in driehoeken if d.soort == "basisteam" and len(by_eenheid[d.eenheid_id]) > 10)
    local = [d for d in by_eenheid[home.eenheid_id] if d.soort == "lokaal"][:BENCH_DRIEHOEKEN - 1]
    bench_driehoeken = [home, *local]
    for driehoek in bench_driehoeken:
        roles[(bench_user, driehoek)].add("coordinator")

    start = today - datetime.timedelta(days=900)
    memberships = [Lidmaatschap(gebruiker=user, driehoek=driehoek, rol=rol,
                                actief_van=start + datetime.timedelta(days=rng.randrange(800)))
                   for (user, driehoek), rs in roles.items() for rol in sorted(rs)]
    # Some memberships have ended: their roles grant nothing any more (and sync_permissions agrees).
    for lidmaatschap in rng.sample(memberships, len(memberships) // 20):
        if lidmaatschap.gebruiker_id != bench_user.pk:
            lidmaatschap.actief_tot = lidmaatschap.actief_van + datetime.timedelta(days=rng.randrange(1, 60))
    _bulk(Lidmaatschap, memberships)
    active = defaultdict(set)
    for lidmaatschap in memberships:
        if lidmaatschap.is_active_on(today):
            active[(lidmaatschap.gebruiker_id, lidmaatschap.driehoek_id)].add(lidmaatschap.rol)
    ids = dict(Permission.objects.filter(content_type__app_label="samenwerking", content_type__model="driehoek",
                                         codename__in=ALL_PERMISSIONS).values_list("codename", "id"))
    _bulk(DriehoekGebruikerRecht, [
        DriehoekGebruikerRecht(user_id=user_id, content_object_id=driehoek_id, permission_id=ids[codename])
        for (user_id, driehoek_id), rs in active.items() for codename in sorted(permissions_for_roles(rs))
    ])
    log(f"gebruikers ({len(users)}), lidmaatschappen ({len(memberships)})")

    members = defaultdict(lambda: defaultdict(list))  # driehoek pk -> rol -> [users] (active only)
    for lidmaatschap in memberships:
        if lidmaatschap.is_active_on(today):
            members[lidmaatschap.driehoek_id][lidmaatschap.rol].append(lidmaatschap.gebruiker)
    return users, bench_user, bench_driehoeken, members


def check_permissions_sample(rng, n=60):
    """Re-sync a sample of (user, driehoek) pairs through the real service: it must find nothing to change."""
    from samenwerking.models import DriehoekGebruikerRecht, Lidmaatschap
    from samenwerking.services import sync_permissions

    pairs = sorted(set(Lidmaatschap.objects.values_list("gebruiker_id", "driehoek_id")))
    sample = rng.sample(pairs, min(n, len(pairs)))

    def rows():
        return {(u, d): set(DriehoekGebruikerRecht.objects.filter(user_id=u, content_object_id=d)
                            .values_list("permission_id", flat=True)) for u, d in sample}

    before = rows()
    with transaction.atomic():
        for lidmaatschap in Lidmaatschap.objects.filter(pk__in=[
                Lidmaatschap.objects.filter(gebruiker_id=u, driehoek_id=d).values_list("pk", flat=True)[0]
                for u, d in sample]).select_related("gebruiker", "driehoek"):
            sync_permissions(gebruiker=lidmaatschap.gebruiker, driehoek=lidmaatschap.driehoek)
    after = rows()
    if before != after:
        raise SystemExit("De gegenereerde rechten wijken af van wat samenwerking.services.sync_permissions schrijft.")
    return len(sample)


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
            arrangement = Arrangement(
                driehoek=driehoek, titel=f"Handhavingsarrangement {driehoek.naam}: {thema}", versie=v,
                vorige_versie=prev[0] if prev else None, status="concept",
                doel=f"Afspraken over de samenwerking tussen BOA's en politie, met nadruk op {thema}.",
                aanleiding=_tekst(rng, thema, 2),
                werkgebied="De gemeenten " + ", ".join(g.weergavenaam for g in gemeenten) + ".",
                geweldsmiddelen=rng.sample(["handboeien", "wapenstok", "pepperspray"], rng.randrange(3)),
                contactpersonen="Coördinator BOA's, via de gemeente.",
                geldig_van=van if adopted else None,
                geldig_tot=(van + datetime.timedelta(days=rng.randrange(300, 1100))) if adopted else None,
                evaluatiedatum=(today + datetime.timedelta(days=rng.randrange(-100, 200))) if adopted else None,
                opzegtermijn_maanden=3 if adopted else None,
                vastgesteld_op=(created + datetime.timedelta(days=25)).date() if adopted else None,
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
    # bulk_create stamps every row with now (auto_now): set the last change to the last workflow step instead.
    with connection.cursor() as cursor:
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


def generate() -> dict:
    """Migrate, load the reference data and the clause library, and fill the database. Returns what was made."""
    from arrangementen.bibliotheek import load_library

    rng = random.Random(SEED)
    log = Log()
    call_command("migrate", verbosity=0)
    load_library()
    log("migraties en modelbibliotheek")
    driehoeken = _geography(rng, log)
    users, bench_user, bench_driehoeken, members = _people(rng, driehoeken, log)
    checked = check_permissions_sample(rng)
    log(f"steekproef rechten via sync_permissions ({checked} paren, ongewijzigd)")
    counts = _arrangementen(rng, driehoeken, members, log)
    counts.update(_actiepunten(rng, driehoeken, members, log))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("VACUUM ANALYZE")
    return {"seconds": log.steps, "bench_user": bench_user.pk, "bench_driehoeken": [d.pk for d in bench_driehoeken],
            **counts}


def counts() -> dict:
    from actiepunten.models import Actiepunt, Overleg
    from arrangementen.models import Afspraak, Arrangement
    from samenwerking.models import Basisteam, Driehoek, DriehoekGebruikerRecht, Gebruiker, Gemeente, Lidmaatschap

    result = {name: model.objects.count() for name, model in [
        ("gemeenten", Gemeente), ("basisteams", Basisteam), ("driehoeken", Driehoek), ("gebruikers", Gebruiker),
        ("lidmaatschappen", Lidmaatschap), ("rechten", DriehoekGebruikerRecht), ("arrangementen", Arrangement),
        ("afspraken", Afspraak), ("overleggen", Overleg), ("actiepunten", Actiepunt)]}
    result["historie_arrangementen"] = Arrangement.history.count()
    result["historie_afspraken"] = Afspraak.history.count()
    result["historie_actiepunten"] = Actiepunt.history.count()
    return result
