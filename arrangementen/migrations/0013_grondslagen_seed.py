"""Seed the legal grounds for information sharing and correct the clause "Grondslag van informatiedeling".

The clause is updated only where it still reads exactly as shipped, so a beheerder's own wording survives.
"""

from django.db import migrations
from django.utils import timezone

GRONDSLAGEN = [
    {"code": "wpg-16", "naam": "Verstrekking voor de politietaak", "soort": "politiegegevens",
     "wettelijke_verwijzing": "Wet politiegegevens, artikel 16",
     "korte_uitleg": "Politiegegevens worden verstrekt aan personen en instanties met een taak in de opsporing en "
                     "handhaving, zoals het Openbaar Ministerie en buitengewoon opsporingsambtenaren, voor zover "
                     "zij die gegevens nodig hebben voor de uitvoering van hun taak.",
     "vereist_artikel20_elementen": False},
    {"code": "wpg-20", "naam": "Structurele verstrekking in een samenwerkingsverband", "soort": "politiegegevens",
     "wettelijke_verwijzing": "Wet politiegegevens, artikel 20",
     "korte_uitleg": "Als een zwaarwegend algemeen belang het vereist, kan de verwerkingsverantwoordelijke bij "
                     "besluit bepalen dat politiegegevens structureel worden verstrekt aan de partners in een "
                     "samenwerkingsverband. Het besluit noemt het zwaarwegend algemeen belang, het doel, de "
                     "gegevens, de voorwaarden en de ontvangers.",
     "vereist_artikel20_elementen": True},
    {"code": "bpg-boa", "naam": "Gegevens uit de opsporingstaak van BOA's", "soort": "boa_gegevens",
     "wettelijke_verwijzing": "Besluit politiegegevens buitengewoon opsporingsambtenaren (Stb. 2019, 85)",
     "korte_uitleg": "Voor persoonsgegevens die BOA's verwerken bij de opsporing van strafbare feiten geldt de "
                     "Wet politiegegevens van overeenkomstige toepassing. De werkgever van de BOA is "
                     "verwerkingsverantwoordelijke; het besluit regelt ook wanneer deze gegevens mogen worden "
                     "verstrekt.",
     "vereist_artikel20_elementen": False},
    {"code": "avg-6-1-c", "naam": "Wettelijke verplichting", "soort": "gemeentelijk",
     "wettelijke_verwijzing": "Algemene verordening gegevensbescherming, artikel 6, lid 1, onder c",
     "korte_uitleg": "De gemeente verwerkt of deelt persoonsgegevens omdat een wettelijke verplichting dat "
                     "vraagt; de verplichting zelf staat in een andere wet.",
     "vereist_artikel20_elementen": False},
    {"code": "avg-6-1-e", "naam": "Taak van algemeen belang of openbaar gezag", "soort": "gemeentelijk",
     "wettelijke_verwijzing": "Algemene verordening gegevensbescherming, artikel 6, lid 1, onder e",
     "korte_uitleg": "De gemeente verwerkt of deelt persoonsgegevens omdat dat nodig is voor een taak van "
                     "algemeen belang of voor de uitoefening van openbaar gezag, zoals de handhaving van de "
                     "openbare orde door de burgemeester.",
     "vereist_artikel20_elementen": False},
]

CLAUSE = "Grondslag van informatiedeling"
OLD_TEXT = (
    'Informatie wordt alleen gedeeld op een wettelijke grondslag: de Wet politiegegevens (artikel 16 '
    'en artikel 20) voor politiegegevens en de AVG (artikel 6) voor gegevens van de gemeente. '
    'Partijen leggen per soort informatie vast wat, in welke richting en op welke grondslag wordt '
    'gedeeld.'
)
NEW_TEXT = (
    'Informatie wordt alleen gedeeld op een wettelijke grondslag. Voor politiegegevens is dat de Wet '
    'politiegegevens: artikel 16 voor verstrekking ten behoeve van de politietaak, artikel 20 voor '
    'structurele verstrekking in een samenwerkingsverband op grond van een besluit. Gegevens die '
    "BOA's van de gemeente verwerken bij de opsporing vallen onder het Besluit politiegegevens "
    'buitengewoon opsporingsambtenaren, dat de Wet politiegegevens van overeenkomstige toepassing '
    'verklaart; de gemeente als werkgever is daarvoor verwerkingsverantwoordelijke. Voor de overige '
    'persoonsgegevens van de gemeente geldt de AVG, artikel 6, lid 1, onder c (wettelijke '
    'verplichting) of onder e (taak van algemeen belang of openbaar gezag). Partijen leggen per '
    'soort informatie vast wat, in welke richting en op welke grondslag wordt gedeeld.'
)


def _record(apps, name: str, obj, history_type: str) -> None:
    """Migrations use historical models without simple_history's signals, so the history row is written here."""
    historical = apps.get_model("arrangementen", f"Historical{name}")
    fields = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    historical.objects.create(**fields, history_date=timezone.now(), history_type=history_type,
                              history_change_reason="Meegeleverde grondslagen (issue 15)")


def seed(apps, schema_editor):
    Grondslag = apps.get_model("arrangementen", "Grondslag")
    for row in GRONDSLAGEN:
        grondslag, created = Grondslag.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
        if created:
            _record(apps, "Grondslag", grondslag, "+")
    Modelafspraak = apps.get_model("arrangementen", "Modelafspraak")
    for clause in Modelafspraak.objects.filter(titel=CLAUSE, tekst=OLD_TEXT):
        clause.tekst = NEW_TEXT
        clause.save(update_fields=["tekst"])
        _record(apps, "Modelafspraak", clause, "~")


def unseed(apps, schema_editor):
    apps.get_model("arrangementen", "Modelafspraak").objects.filter(titel=CLAUSE, tekst=NEW_TEXT).update(
        tekst=OLD_TEXT)


class Migration(migrations.Migration):
    dependencies = [("arrangementen", "0012_grondslag")]
    operations = [migrations.RunPython(seed, unseed)]
