"""Review and timeline: status transitions, review decisions and comments."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samenwerking.models import Organisatie

from .arrangement import Afspraak, Arrangement, Status


class Statusovergang(models.Model):
    """Who moved an arrangement from which status to which, when and why: the timeline."""

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="overgangen",
    )
    van = models.CharField(_("van"), max_length=25, choices=Status.choices)
    naar = models.CharField(_("naar"), max_length=25, choices=Status.choices)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("door"), on_delete=models.PROTECT, related_name="+",
    )
    op = models.DateTimeField(_("op"), default=timezone.now)
    toelichting = models.TextField(_("toelichting"), blank=True)
    melding_verstuurd_op = models.DateTimeField(_("melding verstuurd op"), null=True, blank=True)
    # A failed notification is kept here and retried; the transition itself stands.
    melding_pogingen = models.PositiveSmallIntegerField(_("pogingen melding"), default=0)
    melding_fout = models.CharField(_("laatste fout melding"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("statusovergang")
        verbose_name_plural = _("statusovergangen")
        ordering = ["op", "pk"]

    def __str__(self):
        return f"{self.get_van_display()} → {self.get_naar_display()}"


class Beoordeling(models.Model):
    class Besluit(models.TextChoices):
        GOEDGEKEURD = "goedgekeurd", _("goedgekeurd")
        WIJZIGINGEN_GEVRAAGD = "wijzigingen_gevraagd", _("wijzigingen gevraagd")

    class Hoedanigheid(models.TextChoices):
        PARTIJ = "partij", _("namens een partij")
        PRIVACY = "privacy", _("als privacyadviseur")

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="beoordelingen",
    )
    beoordelaar = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beoordelaar"), on_delete=models.PROTECT, related_name="+",
    )
    besluit = models.CharField(_("besluit"), max_length=25, choices=Besluit.choices)
    toelichting = models.TextField(_("toelichting"), blank=True)
    op = models.DateTimeField(_("op"), default=timezone.now)
    vervallen = models.BooleanField(
        _("vervallen"), default=False,
        help_text=_("Een goedkeuring vervalt zodra het arrangement terug naar concept gaat of de inhoud wijzigt."),
    )
    # The party (by its organisation) this decision was given for; empty on rows from before review per party.
    organisatie = models.ForeignKey(
        Organisatie, verbose_name=_("partij"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    # A privacy adviser's decision (required when the arrangement shares data) is not a party's.
    hoedanigheid = models.CharField(_("hoedanigheid"), max_length=10, choices=Hoedanigheid.choices,
                                    default=Hoedanigheid.PARTIJ)
    vervallen_op = models.DateTimeField(_("vervallen op"), null=True, blank=True)
    vervallen_door_wijziging = models.BooleanField(_("vervallen door een wijziging van de inhoud"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beoordeling")
        verbose_name_plural = _("beoordelingen")
        ordering = ["op", "pk"]

    def __str__(self):
        return f"{self.get_besluit_display()} door {self.beoordelaar}"


class Opmerking(models.Model):
    """A review comment on the whole arrangement or on one afspraak; replies form a thread."""

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="opmerkingen",
    )
    afspraak = models.ForeignKey(
        Afspraak, verbose_name=_("afspraak"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="opmerkingen",
    )
    antwoord_op = models.ForeignKey(
        "self", verbose_name=_("antwoord op"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="antwoorden",
    )
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT, related_name="+",
    )
    tekst = models.TextField(_("tekst"))
    geplaatst_op = models.DateTimeField(_("geplaatst op"), default=timezone.now)
    opgelost = models.BooleanField(_("opgelost"), default=False)
    opgelost_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opgelost door"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    opgelost_op = models.DateTimeField(_("opgelost op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opmerking")
        verbose_name_plural = _("opmerkingen")
        ordering = ["geplaatst_op", "pk"]

    def __str__(self):
        return self.tekst[:60]
