"""Geweldsmiddelen per BOA-organisatie and domein (issue 20, item 1): which employer's boa's, in which domein,
carry which geweldsmiddel, with the date and reference of the minister's toekenning when known."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .arrangement import Domein, Geweldsmiddel


class Geweldsmiddeltoekenning(models.Model):
    """One geweldsmiddel for the boa's of one BOA-werkgever in one domein, as the arrangement records it."""

    arrangement = models.ForeignKey(
        "arrangementen.Arrangement", verbose_name=_("arrangement"), on_delete=models.CASCADE,
        related_name="geweldsmiddeltoekenningen",
    )
    organisatie = models.ForeignKey(
        "samenwerking.Organisatie", verbose_name=_("BOA-organisatie"), on_delete=models.PROTECT, related_name="+",
    )
    domein = models.CharField(_("domein"), max_length=3, choices=Domein.choices)
    geweldsmiddel = models.CharField(_("geweldsmiddel"), max_length=20, choices=Geweldsmiddel.choices)
    toegekend_op = models.DateField(
        _("datum van de toekenning"), null=True, blank=True,
        help_text=_("De datum van het besluit van de minister, als die bekend is."),
    )
    kenmerk = models.CharField(
        _("kenmerk van de toekenning"), max_length=100, blank=True,
        help_text=_("Het kenmerk van het besluit van de minister, als dat bekend is."),
    )
    vorige = models.OneToOneField(
        "self", verbose_name=_("zelfde toekenning in de vorige versie"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="volgende",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("geweldsmiddel van een BOA-organisatie")
        verbose_name_plural = _("geweldsmiddelen per BOA-organisatie")
        ordering = ["arrangement", "organisatie__naam", "domein", "geweldsmiddel"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "organisatie", "domein", "geweldsmiddel"],
                                    name="geweldsmiddel_eenmaal_per_organisatie_en_domein"),
        ]
        indexes = [models.Index(fields=["organisatie"])]

    def __str__(self):
        return f"{self.organisatie}: {self.get_geweldsmiddel_display()} ({self.get_domein_display()})"
