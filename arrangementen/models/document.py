"""PDF, signing and verification: keys, mandates, the document, its versions, signatures and events."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samenwerking.models import Organisatie

from .arrangement import Arrangement, Partij


def private_storage():
    from django.core.files.storage import storages

    return storages["private"]


class Ondertekeningssleutel(models.Model):
    """An organisation's signing certificate (PKCS#12). The passphrase never lives in the database:
    `wachtwoord_bron` names where to read it, as `env:NAAM` or `bestand:/pad/naar/geheim`."""

    organisatie = models.OneToOneField(
        Organisatie, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="ondertekeningssleutel",
    )
    pkcs12 = models.FileField(_("PKCS#12-bestand"), upload_to="sleutels/", storage=private_storage)
    wachtwoord_bron = models.CharField(
        _("bron van het wachtwoord"), max_length=300,
        help_text=_("'env:NAAM' (omgevingsvariabele) of 'bestand:/run/secrets/naam' (geheim bestand)."),
    )
    is_test = models.BooleanField(_("TEST-sleutel"), default=False,
                                  help_text=_("Sleutels uit de TEST-PKI; nooit voor echte ondertekening."))
    certificaat_onderwerp = models.CharField(_("certificaat"), max_length=300, blank=True, editable=False)
    geldig_tot = models.DateTimeField(_("certificaat geldig tot"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ondertekeningssleutel")
        verbose_name_plural = _("ondertekeningssleutels")

    def __str__(self):
        label = f"{self.organisatie}: {self.certificaat_onderwerp or self.pkcs12.name}"
        return f"TEST – {label}" if self.is_test else label


class Mandaat(models.Model):
    """Person B (gemachtigde) may sign for person A (volmachtgever) during a period."""

    volmachtgever = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("namens (volmachtgever)"), on_delete=models.CASCADE,
        related_name="verleende_mandaten",
    )
    gemachtigde = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gemachtigde"), on_delete=models.CASCADE,
        related_name="mandaten",
    )
    geldig_van = models.DateField(_("geldig van"))
    geldig_tot = models.DateField(_("geldig tot en met"))
    toelichting = models.CharField(_("toelichting"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mandaat")
        verbose_name_plural = _("mandaten")
        ordering = ["-geldig_van"]
        constraints = [
            models.CheckConstraint(condition=Q(geldig_tot__gte=models.F("geldig_van")),
                                   name="mandaat_periode_oplopend"),
            models.CheckConstraint(condition=~Q(volmachtgever=models.F("gemachtigde")),
                                   name="mandaat_niet_aan_zichzelf"),
        ]

    def __str__(self):
        return f"{self.gemachtigde} namens {self.volmachtgever} ({self.geldig_van} t/m {self.geldig_tot})"

    def clean(self):
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValidationError({"geldig_tot": _("'Geldig tot en met' ligt vóór 'geldig van'.")})
        if self.volmachtgever_id and self.volmachtgever_id == self.gemachtigde_id:
            raise ValidationError({"gemachtigde": _("Iemand kan geen mandaat aan zichzelf geven.")})


class Document(models.Model):
    """The archival PDF of one arrangement version, certified by the platform and signed per party."""

    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("wachtend")
        BEZIG = "bezig", _("bezig")
        GEREED = "gereed", _("gereed")
        MISLUKT = "mislukt", _("mislukt")

    class Volgorde(models.TextChoices):
        VOLGORDELIJK = "volgordelijk", _("na elkaar, in de volgorde van de partijen")
        PARALLEL = "parallel", _("tegelijk, in willekeurige volgorde")

    arrangement = models.OneToOneField(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.PROTECT, related_name="document",
    )
    referentie = models.CharField(_("documentreferentie"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WACHTEND)
    fout = models.TextField(_("reden van mislukken"), blank=True)
    met_contactbijlage = models.BooleanField(_("met bijlage contactpersonen"), default=False)
    volgorde = models.CharField(_("volgorde van ondertekenen"), max_length=12, choices=Volgorde.choices,
                                default=Volgorde.VOLGORDELIJK)
    aangevraagd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("aangevraagd door"), on_delete=models.PROTECT, related_name="+",
    )
    aangevraagd_op = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self):
        return self.referentie


class Documentversie(models.Model):
    """One stored state of the PDF: certified (1), then one per signature. Verification matches SHA-256."""

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="versies")
    volgnummer = models.PositiveIntegerField(_("volgnummer"))
    bestand = models.FileField(_("bestand"), upload_to="documenten/", storage=private_storage)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    omschrijving = models.CharField(_("omschrijving"), max_length=300)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documentversie")
        verbose_name_plural = _("documentversies")
        ordering = ["document", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["document", "volgnummer"], name="documentversie_uniek_volgnummer"),
        ]

    def __str__(self):
        return f"{self.document} #{self.volgnummer}"


class Handtekening(models.Model):
    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="handtekeningen")
    partij = models.ForeignKey(Partij, verbose_name=_("partij"), on_delete=models.PROTECT, related_name="+")
    veldnaam = models.CharField(_("handtekeningveld"), max_length=100)
    ondertekenaar = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ondertekenaar"),
                                      on_delete=models.PROTECT, related_name="+")
    namens = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("namens"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    getekend_op = models.DateTimeField(_("getekend op"), default=timezone.now)
    documentversie = models.OneToOneField(Documentversie, verbose_name=_("documentversie"),
                                          on_delete=models.PROTECT, related_name="handtekening")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("handtekening")
        verbose_name_plural = _("handtekeningen")
        ordering = ["getekend_op"]
        constraints = [
            models.UniqueConstraint(fields=["document", "partij"], name="handtekening_eenmaal_per_partij"),
        ]

    def __str__(self):
        return f"{self.partij} – {self.ondertekenaar}"


class Documentgebeurtenis(models.Model):
    """Every generation and download: who, when, which version, which hash."""

    class Soort(models.TextChoices):
        GENERATIE = "generatie", _("gemaakt")
        ONDERTEKENING = "ondertekening", _("ondertekend")
        DOWNLOAD = "download", _("gedownload")
        HERINNERING = "herinnering", _("herinnering om te tekenen verstuurd")

    document = models.ForeignKey(Document, verbose_name=_("document"), on_delete=models.PROTECT,
                                 related_name="gebeurtenissen")
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("door"), on_delete=models.PROTECT,
                             related_name="+")
    op = models.DateTimeField(_("op"), default=timezone.now)
    documentversie = models.ForeignKey(Documentversie, verbose_name=_("documentversie"), on_delete=models.PROTECT,
                                       related_name="+")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("documentgebeurtenis")
        verbose_name_plural = _("documentgebeurtenissen")
        ordering = ["-op", "-pk"]

    def __str__(self):
        return f"{self.get_soort_display()} {self.document} door {self.door}"
