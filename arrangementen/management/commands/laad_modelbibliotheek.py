from django.core.management.base import BaseCommand

from arrangementen.bibliotheek import load_grondslagen, load_library


class Command(BaseCommand):
    help = ("Laadt de meegeleverde onderwerpen, modelafspraken en grondslagen voor gegevensdeling; bestaande worden "
            "niet overschreven.")

    def handle(self, *args, **options):
        onderwerpen, afspraken = load_library()
        grondslagen = load_grondslagen()
        self.stdout.write(f"{onderwerpen} onderwerpen, {afspraken} modelafspraken en {grondslagen} grondslagen "
                          "toegevoegd.")
