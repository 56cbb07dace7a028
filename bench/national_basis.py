"""The national data set's shared parts: its sizes and word lists, and bulk writing with history rows."""

import os
import time

SEED = 20261128
# BENCH_SCALE=small (`make bench-quick`): the same shape on a data set that generates in seconds. Every basisteam
# keeps its own driehoek (~170), so the small set differs in local driehoeken, users, arrangementen, actiepunten.
SCALE = os.environ.get("BENCH_SCALE", "national")
SMALL = SCALE == "small"
DRIEHOEKEN = 200 if SMALL else 500
BASISTEAMS = 170
GEBRUIKERS = 400 if SMALL else 5000
ARRANGEMENTEN = 2000 if SMALL else 10000
ACTIEPUNTEN = 2000 if SMALL else 100000
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
BENCH_OVERZICHT_USERNAME = "bench-landelijk"  # a landelijk overview role: the whole dekkingskaart
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
