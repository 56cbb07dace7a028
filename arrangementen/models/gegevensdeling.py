"""Information sharing: the legal grounds (reference data) and the register of data flows per arrangement."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class SoortGegevens(models.TextChoices):
    POLITIEGEGEVENS = "politiegegevens", _("politiegegevens")
    BOA_GEGEVENS = "boa_gegevens", _("boa-gegevens")
    GEMEENTELIJK = "gemeentelijk", _("gemeentelijke persoonsgegevens")


class Grondslag(models.Model):
    """A legal ground for sharing data, maintained by the beheerder; the reference is quoted exactly."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    naam = models.CharField(_("naam"), max_length=200)
    wettelijke_verwijzing = models.CharField(
        _("wettelijke verwijzing"), max_length=300,
        help_text=_("Exact, zoals in de wet: bijvoorbeeld 'Wet politiegegevens, artikel 16'."),
    )
    korte_uitleg = models.TextField(_("korte uitleg"))
    soort = models.CharField(_("soort gegevens"), max_length=20, choices=SoortGegevens.choices)
    vereist_artikel20_elementen = models.BooleanField(
        _("vereist de elementen van artikel 20 Wpg"), default=False,
        help_text=_("Een gegevensstroom op deze grondslag noemt zwaarwegend algemeen belang, doel, gegevens, "
                    "voorwaarden en ontvangers."),
    )
    actief = models.BooleanField(_("actief"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grondslag")
        verbose_name_plural = _("grondslagen")
        ordering = ["soort", "naam"]

    def __str__(self):
        return f"{self.naam} ({self.wettelijke_verwijzing})"
