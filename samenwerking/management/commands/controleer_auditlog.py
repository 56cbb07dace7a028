"""Verify the hash chain of the security audit log; exit status 1 when an entry was changed or removed."""

from django.core.management.base import BaseCommand, CommandError

from samenwerking.audit import verify_chain


class Command(BaseCommand):
    help = "Controleert de hashketen van het beveiligingslogboek: gewijzigde of verwijderde regels worden gemeld."

    def handle(self, *args, **options):
        report = verify_chain()
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(
                f"Het beveiligingslogboek is aangetast: {len(report.problems)} probleem/problemen "
                f"in {report.checked} regels."
            )
        self.stdout.write(self.style.SUCCESS(
            f"Beveiligingslogboek intact: {report.checked} regels gecontroleerd; laatste regel "
            f"{report.last_id or '-'}, hash {report.last_hash}. Bewaar deze hash buiten de applicatie om "
            "later ook het weglaten van de laatste regels te kunnen vaststellen."
        ))
