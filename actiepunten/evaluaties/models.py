"""The evaluation of a signed arrangement by its driehoek, held in an overleg of soort evaluatie: a conclusion,
an assessment per afspraak, and the actiepunten that come out of it (Actiepunt.evaluatie)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Conclusie(models.TextChoices):
    VOORTZETTEN = "voortzetten", _("voortzetten")
    HERZIEN = "herzien", _("herzien")
    BEEINDIGEN = "beeindigen", _("beëindigen")


class Oordeel(models.TextChoices):
    WERKT = "werkt", _("werkt")
    BIJSTELLEN = "bijstellen", _("bijstellen")
    VERVALT = "vervalt", _("vervalt")


class Evaluatie(models.Model):
    arrangement = models.ForeignKey("arrangementen.Arrangement", verbose_name=_("arrangement"),
                                    on_delete=models.PROTECT, related_name="evaluaties")
    overleg = models.ForeignKey("actiepunten.Overleg", verbose_name=_("evaluatie-overleg"),
                                on_delete=models.PROTECT, related_name="evaluaties")
    datum = models.DateField(_("datum"))
    conclusie = models.CharField(_("conclusie"), max_length=20, choices=Conclusie.choices)
    toelichting = models.TextField(_("toelichting"), blank=True)
    volgende_evaluatie = models.DateField(_("volgende evaluatie"))
    vastgelegd_door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"),
                                        on_delete=models.PROTECT, related_name="+")
    vastgelegd_op = models.DateTimeField(_("vastgelegd op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        ordering = ["-datum", "-pk"]
        indexes = [models.Index(fields=["arrangement", "datum"])]

    def __str__(self):
        return f"Evaluatie {self.arrangement} {self.datum:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("actiepunten:evaluatie", args=[self.pk])

    @property
    def driehoek(self):
        return self.overleg.driehoek


class Afspraakoordeel(models.Model):
    """The driehoek's assessment of one afspraak in one evaluation."""

    evaluatie = models.ForeignKey(Evaluatie, verbose_name=_("evaluatie"), on_delete=models.CASCADE,
                                  related_name="oordelen")
    afspraak = models.ForeignKey("arrangementen.Afspraak", verbose_name=_("afspraak"), on_delete=models.PROTECT,
                                 related_name="oordelen")
    oordeel = models.CharField(_("oordeel"), max_length=20, choices=Oordeel.choices)
    toelichting = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oordeel over een afspraak")
        verbose_name_plural = _("oordelen over afspraken")
        ordering = ["evaluatie", "afspraak__volgorde", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluatie", "afspraak"], name="oordeel_eenmaal_per_afspraak"),
        ]

    def __str__(self):
        return f"{self.afspraak}: {self.get_oordeel_display()}"


class Stroomoordeel(models.Model):
    """The driehoek's answers on one data flow of the evaluated arrangement: still needed, still proportionate,
    incidents. PROTECT, as for an afspraak's oordeel: the flow of a signed arrangement is fixed, and a flow that
    was judged stays in the register. `omschrijving` keeps the flow as it was named on the day it was judged
    (an organisation may be renamed later), and lets the record be read without the flow's joins."""

    evaluatie = models.ForeignKey(Evaluatie, verbose_name=_("evaluatie"), on_delete=models.CASCADE,
                                  related_name="stroomoordelen")
    stroom = models.ForeignKey("arrangementen.Gegevensstroom", verbose_name=_("gegevensstroom"),
                               on_delete=models.PROTECT, related_name="stroomoordelen")
    omschrijving = models.TextField(_("omschrijving van de gegevensstroom"))
    nog_nodig = models.BooleanField(_("nog nodig"))
    nog_proportioneel = models.BooleanField(_("nog proportioneel"))
    incidenten = models.BooleanField(_("incidenten"))
    toelichting = models.TextField(_("toelichting"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("oordeel over een gegevensstroom")
        verbose_name_plural = _("oordelen over gegevensstromen")
        ordering = ["evaluatie", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluatie", "stroom"], name="stroomoordeel_eenmaal_per_stroom"),
        ]

    def __str__(self):
        return self.omschrijving
