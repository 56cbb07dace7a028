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
Not generated: security audit log entries for the memberships (no measured page reads them). The kennisbank's
practices, gegevensstromen and one signed arrangement with its PDF rows come from bench/national_extra.py.

Use `generate()` from a process where Django is set up against an empty, migrated database.
"""

import datetime
import random
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from bench.national_basis import (
    AANTAL_DRIEHOEKEN,
    ACHTERNAMEN,
    BASISTEAMS,
    BENCH_DRIEHOEKEN,
    BENCH_OVERZICHT_USERNAME,
    BENCH_USERNAME,
    DRIEHOEKEN,
    GEBRUIKERS,
    ROL_VERDELING,
    SEED,
    VOORNAMEN,
    Log,
    _bulk,
)
from bench.national_extra import generate_extra, load_knowledge
from bench.national_werk import _actiepunten, _arrangementen


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
    # laad_referentiedata already made the organisations it knows (every gemeente, the shipped basisteams, the
    # parketten): add only those of the generated basisteams and whatever else is missing.
    known = set(Organisatie.objects.values_list("naam", flat=True))
    has_org = set(Organisatie.objects.exclude(gemeente=None).values_list("gemeente_id", flat=True))
    has_team = set(Organisatie.objects.exclude(basisteam=None).values_list("basisteam_id", flat=True))
    orgs = [Organisatie(naam=f"Gemeente {g.weergavenaam}", soort=Organisatie.Soort.GEMEENTE, gemeente=g)
            for g in gemeenten if g.pk not in has_org]
    orgs += [Organisatie(naam=f"Politie basisteam {b.naam} ({b.eenheid.code})", soort=Organisatie.Soort.POLITIE,
                         basisteam=b) for b in Basisteam.objects.select_related("eenheid") if b.pk not in has_team]
    if not Organisatie.objects.filter(soort=Organisatie.Soort.OM).exists():
        orgs += [Organisatie(naam=f"Openbaar Ministerie, parket {e.naam}", soort=Organisatie.Soort.OM)
                 for e in Eenheid.objects.all()]
    _bulk(Organisatie, [o for o in orgs if o.naam not in known])

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
    from samenwerking.models import DriehoekGebruikerRecht, Gebruiker, Lidmaatschap, Organisatie, Overzichtsniveau
    from samenwerking.overzichtsrollen import grant_overview
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
    overzicht = Gebruiker.objects.create_user(BENCH_OVERZICHT_USERNAME, "landelijk@example.invalid", None,
                                              first_name="Bench", last_name="Landelijk", functie="BOA-Platform")
    grant_overview(gebruiker=overzicht, niveau=Overzichtsniveau.LANDELIJK, actief_van=today)

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


def generate() -> dict:
    """Migrate, load the reference data and the clause library, and fill the database. Returns what was made."""
    from arrangementen.bibliotheek import load_library

    rng = random.Random(SEED)
    log = Log()
    call_command("migrate", verbosity=0)
    load_library()
    load_knowledge()
    log("migraties, modelbibliotheek en praktijkvoorbeelden")
    driehoeken = _geography(rng, log)
    users, bench_user, bench_driehoeken, members = _people(rng, driehoeken, log)
    checked = check_permissions_sample(rng)
    log(f"steekproef rechten via sync_permissions ({checked} paren, ongewijzigd)")
    counts = _arrangementen(rng, driehoeken, members, log)
    counts.update(_actiepunten(rng, driehoeken, members, log))
    counts.update(generate_extra(bench_driehoeken=bench_driehoeken, members=members, log=log))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("VACUUM ANALYZE")
    return {"seconds": log.steps, "bench_user": bench_user.pk, "bench_driehoeken": [d.pk for d in bench_driehoeken],
            **counts}


def counts() -> dict:
    from actiepunten.models import Actiepunt, Overleg
    from arrangementen.models import Afspraak, Arrangement, Gegevensstroom, Praktijkvoorbeeld
    from samenwerking.models import Basisteam, Driehoek, DriehoekGebruikerRecht, Gebruiker, Gemeente, Lidmaatschap

    result = {name: model.objects.count() for name, model in [
        ("gemeenten", Gemeente), ("basisteams", Basisteam), ("driehoeken", Driehoek), ("gebruikers", Gebruiker),
        ("lidmaatschappen", Lidmaatschap), ("rechten", DriehoekGebruikerRecht), ("arrangementen", Arrangement),
        ("afspraken", Afspraak), ("overleggen", Overleg), ("actiepunten", Actiepunt),
        ("gegevensstromen", Gegevensstroom), ("praktijkvoorbeelden", Praktijkvoorbeeld)]}
    result["historie_arrangementen"] = Arrangement.history.count()
    result["historie_afspraken"] = Afspraak.history.count()
    result["historie_actiepunten"] = Actiepunt.history.count()
    return result
