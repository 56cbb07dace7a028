from django.core.management.base import BaseCommand

from arrangementen.bibliotheek import load_library


class Command(BaseCommand):
    help = "Laadt de meegeleverde onderwerpen en modelafspraken; bestaande worden niet overschreven."

    def handle(self, *args, **options):
        onderwerpen, afspraken = load_library()
        self.stdout.write(f"{onderwerpen} onderwerpen en {afspraken} modelafspraken toegevoegd.")
