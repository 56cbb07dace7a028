import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from actiepunten.demo import create_demo_overleg
from actiepunten.werkgroepdemo import create_demo_werkgroep_overleg
from arrangementen.demo import create_demo_arrangement, ensure_test_keys, sign_demo_arrangement
from arrangementen.demobeeld import create_demo_beeld
from samenwerking.demo import DEFAULT_DEMO_PASSWORD, create_demo_data, demo_totp_secret
from samenwerking.demowerkgroep import create_demo_werkgroep
from samenwerking.tweestaps import has_app


# Lives in the top app: the demo builds data of all three apps, and only actiepunten may import the other two.
class Command(BaseCommand):
    help = "Maakt demodriehoeken en demogebruikers aan (alleen in ontwikkel- en testomgevingen)."

    def handle(self, *args, **options):
        if not settings.DEMO_ALLOWED:
            raise CommandError(
                "Demogegevens zijn in deze omgeving uitgeschakeld (productie-instellingen)."
            )
        call_command("laad_referentiedata", verbosity=0, stdout=self.stdout)
        call_command("laad_modelbibliotheek", verbosity=0, stdout=self.stdout)
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD
        users = create_demo_data(password=password)
        users.extend(create_demo_werkgroep(password=password)[1])
        ensure_test_keys()
        sign_demo_arrangement(create_demo_arrangement(), password)
        create_demo_overleg()
        create_demo_werkgroep_overleg()
        create_demo_beeld()
        self.stdout.write(self.style.SUCCESS("Demogegevens staan klaar. Inloggen kan als:"))
        for user in users:
            extra = "  (met tweestapsverificatie)" if has_app(user) else ""
            self.stdout.write(f"  {user.username:<15} {user.functie}{extra}")
        if os.environ.get("DEMO_PASSWORD"):
            self.stdout.write("Wachtwoord: de waarde van DEMO_PASSWORD.")
        else:
            self.stdout.write(f"Wachtwoord (voor alle demogebruikers): {password}")
        secret = demo_totp_secret()
        self.stdout.write(f"Tweede stap: zet de sleutel {secret} in een authenticator-app, of gebruik "
                          f"`oathtool --totp -b {secret}`.")
