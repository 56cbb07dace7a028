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


class Gegevensstroom(models.Model):
    """One flow of data between parties of an arrangement: who gives what to whom, why and on which ground."""

    arrangement = models.ForeignKey(
        "arrangementen.Arrangement", verbose_name=_("arrangement"), on_delete=models.CASCADE,
        related_name="gegevensstromen",
    )
    verstrekker = models.ForeignKey(
        "samenwerking.Organisatie", verbose_name=_("verstrekker"), on_delete=models.PROTECT, related_name="+",
    )
    ontvangers = models.ManyToManyField(
        "samenwerking.Organisatie", verbose_name=_("ontvangers"), related_name="+",
    )
    overige_ontvangers = models.CharField(
        _("andere ontvangers"), max_length=300, blank=True,
        help_text=_("Ontvangers die geen partij van het arrangement zijn, zoals een RIEC of een woningcorporatie."),
    )
    toelichting_overige_ontvangers = models.TextField(
        _("toelichting op de andere ontvangers"), blank=True,
        help_text=_("Waarom gegevens naar een organisatie buiten de partijen gaan, en op welke afspraak."),
    )
    categorieen = models.TextField(_("categorieën van gegevens"))
    doel = models.TextField(_("doel"))
    grondslag = models.ForeignKey(
        Grondslag, verbose_name=_("grondslag"), on_delete=models.PROTECT, related_name="gegevensstromen",
    )
    zwaarwegend_algemeen_belang = models.TextField(
        _("zwaarwegend algemeen belang"), blank=True,
        help_text=_("Verplicht bij structurele verstrekking op grond van artikel 20 Wpg."),
    )
    voorwaarden = models.TextField(
        _("voorwaarden"), blank=True,
        help_text=_("Verplicht bij structurele verstrekking op grond van artikel 20 Wpg."),
    )
    kanaal = models.CharField(_("kanaal"), max_length=200, blank=True)
    frequentie = models.CharField(_("frequentie"), max_length=200, blank=True)
    bewaartermijn = models.CharField(_("bewaartermijn"), max_length=200, blank=True)
    verdere_verstrekking = models.BooleanField(_("verdere verstrekking toegestaan"), default=False)
    beveiligingsafspraken = models.TextField(_("beveiligingsafspraken"), blank=True)
    afspraak = models.ForeignKey(
        "arrangementen.Afspraak", verbose_name=_("afspraak"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="gegevensstromen",
    )
    vorige = models.OneToOneField(
        "self", verbose_name=_("zelfde gegevensstroom in de vorige versie"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="volgende",
    )
    history = HistoricalRecords(m2m_fields=[ontvangers])

    class Meta:
        verbose_name = _("gegevensstroom")
        verbose_name_plural = _("gegevensstromen")
        ordering = ["arrangement", "pk"]

    def __str__(self):
        return f"{self.verstrekker} – {self.categorieen[:60]}"
