"""The clause library: onderwerpen and modelafspraken, with the choices an afspraak shares with them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Niveau(models.TextChoices):
    STRATEGISCH = "strategisch", _("strategisch")
    TACTISCH = "tactisch", _("tactisch")
    OPERATIONEEL = "operationeel", _("operationeel")


class Verantwoordelijke(models.TextChoices):
    GEMEENTE = "gemeente", _("gemeente")
    POLITIE = "politie", _("politie")
    OM = "om", _("Openbaar Ministerie")
    TERREINBEHEERDER = "terreinbeheerder", _("terreinbeheerder")
    VERVOERDER = "vervoerder", _("vervoerder")
    OMGEVINGSDIENST = "omgevingsdienst", _("omgevingsdienst")
    PROVINCIE = "provincie", _("provincie")
    WATERSCHAP = "waterschap", _("waterschap")
    GEZAMENLIJK = "gezamenlijk", _("gezamenlijk")


class Onderwerp(models.Model):
    """The catalogue of subjects an afspraak is about, per niveau (DOMAIN.md, seed 000)."""

    niveau = models.CharField(_("niveau"), max_length=20, choices=Niveau.choices)
    naam = models.CharField(_("naam"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    volgorde = models.PositiveIntegerField(_("volgorde"), default=0)
    actief = models.BooleanField(_("actief"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("onderwerp")
        verbose_name_plural = _("onderwerpen")
        ordering = ["niveau", "volgorde", "naam"]
        constraints = [
            models.UniqueConstraint(fields=["niveau", "naam"], name="onderwerp_uniek_per_niveau"),
        ]

    def __str__(self):
        return self.naam


class Modelafspraak(models.Model):
    """A standard clause in the library. `verplicht` clauses must be in every arrangement under review."""

    onderwerp = models.ForeignKey(
        Onderwerp, verbose_name=_("onderwerp"), on_delete=models.PROTECT, related_name="modelafspraken",
    )
    titel = models.CharField(_("titel"), max_length=200)
    tekst = models.TextField(_("tekst"))
    toelichting = models.TextField(
        _("wanneer past deze afspraak"), blank=True,
        help_text=_("Korte toelichting voor de opsteller: in welke situatie deze variant past, naast de andere "
                    "afspraken over hetzelfde onderwerp."),
    )
    verantwoordelijke = models.CharField(
        _("verantwoordelijke"), max_length=20, choices=Verantwoordelijke.choices,
    )
    verplicht = models.BooleanField(
        _("verplicht"), default=False,
        help_text=_("Een arrangement kan pas ter beoordeling worden aangeboden als deze afspraak erin staat."),
    )
    standaard = models.BooleanField(
        _("in het standaardmodel"), default=True,
        help_text=_("Wordt voorgesteld in een nieuw arrangement volgens het standaardmodel."),
    )
    actief = models.BooleanField(_("actief"), default=True)
    volgorde = models.PositiveIntegerField(_("volgorde"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("modelafspraak")
        verbose_name_plural = _("modelafspraken")
        ordering = ["onderwerp__niveau", "onderwerp__volgorde", "volgorde", "titel"]

    def __str__(self):
        return self.titel

    @property
    def niveau(self):
        return self.onderwerp.niveau
