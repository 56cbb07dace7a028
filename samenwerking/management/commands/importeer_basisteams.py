from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samenwerking.referentiedata import ReferentiedataFout, import_basisteams


class Command(BaseCommand):
    help = (
        "Importeert basisteams en hun werkgebieden uit een CSV met de kolommen van "
        "basisteams_seed.csv. Alles of niets: bij een fout wordt niets opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("bestand", type=Path)

    def handle(self, *args, bestand: Path, **options):
        try:
            text = bestand.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as fout:
            raise CommandError(f"{bestand} kan niet gelezen worden als UTF-8-tekst: {fout}") from fout
        try:
            resultaat = import_basisteams(text, bestand.name)
        except ReferentiedataFout as fout:
            raise CommandError(str(fout)) from fout
        self.stdout.write(self.style.SUCCESS(
            f"{resultaat.aangemaakt} aangemaakt, {resultaat.gewijzigd} gewijzigd, "
            f"{resultaat.ongewijzigd} ongewijzigd."
        ))
