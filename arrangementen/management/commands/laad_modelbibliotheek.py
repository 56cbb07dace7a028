from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from arrangementen.bibliotheek import BibliotheekFout, load_grondslagen, load_library
from arrangementen.praktijkvoorbeelden import load_praktijkvoorbeelden


class Command(BaseCommand):
    help = ("Laadt de meegeleverde onderwerpen, modelafspraken, praktijkvoorbeelden en grondslagen voor "
            "gegevensdeling; bestaande worden niet overschreven, alleen lege omschrijvingen en toelichtingen "
            "aangevuld. Een fout in een bestand verandert niets.")

    def handle(self, *args, **options):
        try:
            with transaction.atomic():  # all files or none
                onderwerpen, afspraken = load_library()
                voorbeelden = load_praktijkvoorbeelden()
                grondslagen = load_grondslagen()
        except BibliotheekFout as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{onderwerpen} onderwerpen, {afspraken} modelafspraken, {voorbeelden} "
                          f"praktijkvoorbeelden en {grondslagen} grondslagen toegevoegd.")
