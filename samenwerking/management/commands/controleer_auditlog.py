"""Verify the security audit log: its hash chain, its checkpoints and its protection; exit status 1 when an entry
was changed or removed (also the newest ones, up to the latest checkpoint or the given anchor)."""

import re

from django.core.management.base import BaseCommand, CommandError

from samenwerking.audit import verify_chain, write_checkpoint

ANKER = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")


class Command(BaseCommand):
    help = ("Controleert het beveiligingslogboek: gewijzigde of verwijderde regels, ook de laatste (tot het "
            "laatste controlepunt of het opgegeven anker), worden gemeld.")

    def add_arguments(self, parser):
        parser.add_argument("--anker", help="'regelnummer:hash' uit een eerdere controle, buiten de applicatie "
                                            "bewaard: meldt ook dat die regel of de regels erna zijn verdwenen.")
        parser.add_argument("--controlepunt", action="store_true",
                            help="Leg na een geslaagde controle een controlepunt vast (gebeurt ook elk uur).")

    def handle(self, *args, anker=None, controlepunt=False, **options):
        anchor = None
        if anker:
            match = ANKER.fullmatch(anker.strip())
            if not match:
                raise CommandError("Geef het anker als 'regelnummer:hash', zoals deze opdracht het eerder meldde.")
            anchor = (int(match[1]), match[2])
        report = verify_chain(anker=anchor)
        for problem in report.problems:
            self.stderr.write(problem)
        if report.problems:
            raise CommandError(
                f"Het beveiligingslogboek is aangetast: {len(report.problems)} probleem/problemen "
                f"in {report.checked} regels."
            )
        if controlepunt:
            write_checkpoint()
        self.stdout.write(self.style.SUCCESS(
            f"Beveiligingslogboek intact: {report.checked} regels en {report.checkpoints} controlepunten "
            f"gecontroleerd. Anker: {report.last_id or 0}:{report.last_hash}. Bewaar dit anker buiten de "
            "applicatie en geef het later mee (--anker) om ook het weglaten van de laatste regels vast te stellen."
        ))
