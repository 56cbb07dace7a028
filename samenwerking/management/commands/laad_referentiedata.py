from django.core.management.base import BaseCommand, CommandError

from samenwerking.referentiedata import ReferentiedataFout, load_reference_data


class Command(BaseCommand):
    help = (
        "Laadt gemeenten (CBS), politie-eenheden, veiligheidsregio's, de bekende districten en de "
        "gedeeltelijke basisteamlijst. Idempotent: nogmaals laden wijzigt niets."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--zonder-basisteams", action="store_true",
            help="Laad de meegeleverde (onvolledige) basisteamlijst niet.",
        )

    def handle(self, *args, **options):
        try:
            resultaat = load_reference_data(basisteams=not options["zonder_basisteams"])
        except ReferentiedataFout as fout:
            raise CommandError(str(fout)) from fout
        for label, counts in resultaat.per_model.items():
            self.stdout.write(
                f"{label}: {counts['aangemaakt']} aangemaakt, {counts['gewijzigd']} gewijzigd, "
                f"{counts['ongewijzigd']} ongewijzigd"
            )
        self.stdout.write(self.style.WARNING(
            "Let op: de meegeleverde basisteamlijst is onvolledig (enkele van de ca. 167 "
            "basisteams). Importeer de eigen lijst met 'importeer_basisteams'."
        ))
