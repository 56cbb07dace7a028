"""The clause "Grondslag van informatiedeling" refers to the annex Gegevensdeling of the PDF (issue 15, item 5).

As in 0013: the clause changes only where it still reads exactly as shipped, so a beheerder's own wording survives;
reversing restores the previous shipped text.
"""

from django.db import migrations
from django.utils import timezone

CLAUSE = "Grondslag van informatiedeling"
# The text 0013 shipped; only this exact text is replaced.
OLD_TEXT = (
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
NEW_TEXT = (
    'Informatie wordt alleen gedeeld op een wettelijke grondslag. Voor politiegegevens is dat de Wet '
    'politiegegevens: artikel 16 voor verstrekking ten behoeve van de politietaak, artikel 20 voor '
    'structurele verstrekking in een samenwerkingsverband op grond van een besluit. Gegevens die '
    "BOA's van de gemeente verwerken bij de opsporing vallen onder het Besluit politiegegevens "
    'buitengewoon opsporingsambtenaren, dat de Wet politiegegevens van overeenkomstige toepassing '
    'verklaart; de gemeente als werkgever is daarvoor verwerkingsverantwoordelijke. Voor de overige '
    'persoonsgegevens van de gemeente geldt de AVG, artikel 6, lid 1, onder c (wettelijke '
    'verplichting) of onder e (taak van algemeen belang of openbaar gezag). Partijen leggen per '
    'soort informatie vast wat, in welke richting en op welke grondslag wordt gedeeld; die '
    'gegevensstromen staan in de bijlage Gegevensdeling bij dit arrangement.'
)


def _record(apps, clause) -> None:
    """Migrations use historical models without simple_history's signals, so the history row is written here."""
    historical = apps.get_model("arrangementen", "HistoricalModelafspraak")
    fields = {f.attname: getattr(clause, f.attname) for f in clause._meta.concrete_fields}
    historical.objects.create(**fields, history_date=timezone.now(), history_type="~",
                              history_change_reason="Verwijzing naar de bijlage Gegevensdeling (issue 15)")


def refer_to_annex(apps, schema_editor):
    Modelafspraak = apps.get_model("arrangementen", "Modelafspraak")
    for clause in Modelafspraak.objects.filter(titel=CLAUSE, tekst=OLD_TEXT):
        clause.tekst = NEW_TEXT
        clause.save(update_fields=["tekst"])
        _record(apps, clause)


def back(apps, schema_editor):
    apps.get_model("arrangementen", "Modelafspraak").objects.filter(titel=CLAUSE, tekst=NEW_TEXT).update(
        tekst=OLD_TEXT)


class Migration(migrations.Migration):
    dependencies = [("arrangementen", "0015_privacybeoordeling_en_andere_ontvangers")]
    operations = [migrations.RunPython(refer_to_annex, back)]
