from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from samenwerking import audit
from samenwerking.referentiedata import ReferentiedataFout, import_basisteams


class Command(BaseCommand):
    help = (
        "Importeert basisteams en hun werkgebieden uit een CSV met de kolommen van "
        "basisteams_seed.csv. Alles of niets: bij een fout wordt niets opgeslagen. "
        "Beheerders kunnen hetzelfde in de beheeromgeving (Basisteams → Basisteams importeren)."
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
            audit.record_refusal(audit.Gebeurtenis.IMPORT_GEWEIGERD, gebruikersnaam="importeer_basisteams",
                                 reden=fout.problemen[0] if fout.problemen else "",
                                 details={"soort": "basisteams", "bestand": bestand.name[:200],
                                          "problemen": len(fout.problemen)})
            raise CommandError(str(fout)) from fout
        audit.record(audit.Gebeurtenis.REFERENTIEDATA_GEIMPORTEERD, gebruikersnaam="importeer_basisteams",
                     details={"soort": "basisteams", "bestand": bestand.name, "regels": len(resultaat.regels),
                              "per_model": resultaat.per_model})
        self.stdout.write(self.style.SUCCESS(
            f"{len(resultaat.regels)} regels gelezen. {resultaat.samenvatting()}"
        ))
