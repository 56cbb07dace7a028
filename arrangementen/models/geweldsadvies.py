"""The driehoek's advice on a request for geweldsmiddelen, resting on an arrangement in force (issue 20)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samenwerking.models import Organisatie

from .arrangement import Arrangement, Domein, Geweldsmiddel, Partij
from .document import private_storage


class Geweldsadvies(models.Model):
    """One advice document: what was asked, what the driehoek advises, and a snapshot of the arrangement it rests
    on (reference, version, dates, the signed PDF's SHA-256), so the document says the same after a herziening."""

    class Advies(models.TextChoices):
        POSITIEF = "positief", _("positief")
        NEGATIEF = "negatief", _("negatief")
        VOORWAARDELIJK = "voorwaardelijk", _("positief onder voorwaarden")

    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("wachtend")
        BEZIG = "bezig", _("bezig")
        GEREED = "gereed", _("gereed")
        MISLUKT = "mislukt", _("mislukt")

    arrangement = models.ForeignKey(Arrangement, verbose_name=_("arrangement"), on_delete=models.PROTECT,
                                    related_name="geweldsadviezen")
    volgnummer = models.PositiveIntegerField(_("volgnummer"))
    referentie = models.CharField(_("referentie van het advies"), max_length=100, unique=True)
    boa_organisatie = models.ForeignKey(Organisatie, verbose_name=_("BOA-organisatie"), on_delete=models.PROTECT,
                                        related_name="+")
    domein = models.CharField(_("domein"), max_length=3, choices=Domein.choices)
    middelen = models.JSONField(_("gevraagde geweldsmiddelen"), default=list)
    advies = models.CharField(_("advies van de driehoek"), max_length=20, choices=Advies.choices)
    motivering = models.TextField(_("motivering"))
    adviesdatum = models.DateField(_("datum van het advies"))
    # The arrangement as it was when the advice was given.
    arrangement_referentie = models.CharField(_("documentreferentie van het arrangement"), max_length=100)
    arrangement_versie = models.PositiveIntegerField(_("versie van het arrangement"))
    arrangement_geldig_van = models.DateField(_("arrangement geldig van"), null=True, blank=True)
    arrangement_geldig_tot = models.DateField(_("arrangement geldig tot en met"), null=True, blank=True)
    arrangement_sha256 = models.CharField(_("SHA-256 van het ondertekende arrangement"), max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WACHTEND)
    fout = models.TextField(_("reden van mislukken"), blank=True)
    bestand = models.FileField(_("bestand"), upload_to="adviezen/", storage=private_storage, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    aangevraagd_door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aangevraagd door"),
                                         on_delete=models.PROTECT, related_name="+")
    aangevraagd_op = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    # Chosen when asked: the PDF then carries an empty signature field per partij (adviesondertekening.py).
    met_partijen = models.BooleanField(_("ook laten ondertekenen door de partijen"), default=False)
    ondertekend_op = models.DateTimeField(_("door alle partijen ondertekend op"), null=True, blank=True)
    # Counted on the advice so each signature shows as a change in the arrangement's history.
    aantal_handtekeningen = models.PositiveSmallIntegerField(_("aantal handtekeningen van partijen"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("geweldsmiddelenadvies")
        verbose_name_plural = _("geweldsmiddelenadviezen")
        ordering = ["arrangement", "-volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "volgnummer"], name="geweldsadvies_uniek_volgnummer"),
        ]

    def __str__(self):
        return self.referentie

    def get_middelen_display(self) -> list[str]:
        labels = dict(Geweldsmiddel.choices)
        return [str(labels.get(value, value)) for value in self.middelen or []]


class Adviesondertekening(models.Model):
    """One partij's signature on an advice, with the PDF as it stood after it (verification matches SHA-256)."""

    advies = models.ForeignKey(Geweldsadvies, verbose_name=_("advies"), on_delete=models.PROTECT,
                               related_name="ondertekeningen")
    partij = models.ForeignKey(Partij, verbose_name=_("partij"), on_delete=models.PROTECT, related_name="+")
    veldnaam = models.CharField(_("handtekeningveld"), max_length=100)
    ondertekenaar = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ondertekenaar"),
                                      on_delete=models.PROTECT, related_name="+")
    namens = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("namens"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    getekend_op = models.DateTimeField(_("getekend op"), default=timezone.now)
    bestand = models.FileField(_("bestand"), upload_to="adviezen/", storage=private_storage)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ondertekening van een advies")
        verbose_name_plural = _("ondertekeningen van adviezen")
        ordering = ["getekend_op", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["advies", "partij"], name="adviesondertekening_eenmaal_per_partij"),
        ]

    def __str__(self):
        return f"{self.advies} – {self.partij}"
