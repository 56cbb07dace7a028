"""The agreement: arrangement, afspraken, the clause library, review and versions."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samenwerking.models import Driehoek, Organisatie


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


class Vertegenwoordiger(models.TextChoices):
    """Who signs for a party, as DOMAIN.md names them; the printed function is Partij.ondertekenaar_functie."""

    BURGEMEESTER = "burgemeester", _("de burgemeester")
    TEAMCHEF = "teamchef", _("de teamchef, namens de politiechef")
    OFFICIER = "officier", _("de officier van justitie, namens de hoofdofficier van justitie")
    BESTUURDER = "bestuurder", _("een bestuurder of directeur")
    OVERIG = "overig", _("iemand anders")


class Domein(models.TextChoices):
    I = "I", _("I – Openbare ruimte")  # noqa: E741
    II = "II", _("II – Milieu, welzijn en infrastructuur")
    III = "III", _("III – Onderwijs")
    IV = "IV", _("IV – Openbaar vervoer")
    V = "V", _("V – Werk, inkomen en zorg")
    VI = "VI", _("VI – Generieke opsporing")


class Geweldsmiddel(models.TextChoices):
    HANDBOEIEN = "handboeien", _("handboeien")
    WAPENSTOK = "wapenstok", _("korte wapenstok")
    PEPPERSPRAY = "pepperspray", _("pepperspray")
    HONDEN = "diensthond", _("diensthond")


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


class Status(models.TextChoices):
    CONCEPT = "concept", _("concept")
    TER_REVIEW = "ter_review", _("ter beoordeling")
    WIJZIGINGEN_GEVRAAGD = "wijzigingen_gevraagd", _("wijzigingen gevraagd")
    GOEDGEKEURD = "goedgekeurd", _("goedgekeurd")
    VASTGESTELD = "vastgesteld", _("vastgesteld")
    ONDERTEKEND = "ondertekend", _("ondertekend")
    INGETROKKEN = "ingetrokken", _("ingetrokken")


class ArrangementQuerySet(models.QuerySet):
    def in_force_on(self, day):
        return self.filter(status=Status.ONDERTEKEND, geldig_van__lte=day).filter(
            Q(geldig_tot__isnull=True) | Q(geldig_tot__gte=day)
        )


class Arrangement(models.Model):
    driehoek = models.ForeignKey(
        Driehoek, verbose_name=_("driehoek"), on_delete=models.PROTECT, related_name="arrangementen",
    )
    titel = models.CharField(_("titel"), max_length=250)
    versie = models.PositiveIntegerField(_("versie"), default=1)
    vorige_versie = models.OneToOneField(
        "self", verbose_name=_("vorige versie"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="volgende_versie",
    )
    status = models.CharField(_("status"), max_length=25, choices=Status.choices, default=Status.CONCEPT)
    doel = models.TextField(_("doel"), blank=True)
    aanleiding = models.TextField(_("aanleiding"), blank=True)
    werkgebied = models.TextField(
        _("werkgebied"), blank=True, help_text=_("Waar de BOA's werken: gemeenten, wijken, gebieden."),
    )
    geweldsmiddelen = models.JSONField(_("geweldsmiddelen"), default=list, blank=True)
    toezichthouders = models.TextField(_("toezichthouders"), blank=True)
    contactpersonen = models.TextField(
        _("contactpersonen"), blank=True,
        help_text=_("Namen en bereikbaarheid. Staat alleen in de PDF als daarom wordt gevraagd."),
    )
    geldig_van = models.DateField(_("geldig van"), null=True, blank=True)
    geldig_tot = models.DateField(_("geldig tot en met"), null=True, blank=True)
    evaluatiedatum = models.DateField(_("evaluatiedatum"), null=True, blank=True)
    opzegtermijn_maanden = models.PositiveIntegerField(
        _("opzegtermijn (maanden)"), null=True, blank=True,
    )
    vastgesteld_op = models.DateField(_("datum besluit driehoek"), null=True, blank=True)
    besluit_referentie = models.CharField(_("referentie besluit"), max_length=200, blank=True)
    lock_version = models.PositiveIntegerField(_("bewerkingsversie"), default=1)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("aangemaakt door"), on_delete=models.PROTECT,
        related_name="+",
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["gewijzigd_op"])

    objects = ArrangementQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrangement")
        verbose_name_plural = _("arrangementen")
        ordering = ["-gewijzigd_op"]
        constraints = [
            models.CheckConstraint(
                condition=Q(geldig_tot__isnull=True) | Q(geldig_van__isnull=True)
                | Q(geldig_tot__gte=models.F("geldig_van")),
                name="arrangement_geldigheid_oplopend",
            ),
        ]
        indexes = [
            models.Index(fields=["driehoek", "status"]),
            models.Index(fields=["geldig_tot"]),
            models.Index(fields=["evaluatiedatum"]),
        ]

    def __str__(self):
        return f"{self.titel} (versie {self.versie})"

    def get_absolute_url(self):
        return reverse("arrangementen:detail", args=[self.pk])

    def clean(self):
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValidationError({"geldig_tot": _("'Geldig tot en met' ligt vóór 'geldig van'.")})
        unknown = set(self.geweldsmiddelen or []) - set(Geweldsmiddel.values)
        if unknown:
            raise ValidationError({"geweldsmiddelen": _("Onbekend geweldsmiddel: %(namen)s")
                                   % {"namen": ", ".join(sorted(unknown))}})

    @property
    def is_bewerkbaar(self) -> bool:
        return self.status == Status.CONCEPT

    @property
    def is_herzienbaar(self) -> bool:
        """Only an adopted or signed arrangement can be revised into a next version."""
        return self.status in (Status.VASTGESTELD, Status.ONDERTEKEND)

    @property
    def is_verlopen(self) -> bool:
        """Derived, never stored: a signed arrangement past its end date."""
        return (self.status == Status.ONDERTEKEND and self.geldig_tot is not None
                and self.geldig_tot < timezone.localdate())

    def get_geweldsmiddelen_display(self) -> list[str]:
        labels = dict(Geweldsmiddel.choices)
        return [str(labels.get(value, value)) for value in self.geweldsmiddelen or []]


class Partij(models.Model):
    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="partijen",
    )
    organisatie = models.ForeignKey(
        Organisatie, verbose_name=_("organisatie"), on_delete=models.PROTECT, related_name="+",
    )
    ondertekenaar_functie = models.CharField(
        _("functie van de ondertekenaar"), max_length=200,
        help_text=_("Bijvoorbeeld 'burgemeester', 'officier van justitie' of 'teamchef namens de politiechef'."),
    )
    vertegenwoordiger = models.CharField(
        _("vertegenwoordigd door"), max_length=20, choices=Vertegenwoordiger.choices,
        default=Vertegenwoordiger.OVERIG,
    )
    ondertekenaar_naam = models.CharField(_("naam van de ondertekenaar"), max_length=200, blank=True)
    volgorde = models.PositiveIntegerField(_("volgorde"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partij")
        verbose_name_plural = _("partijen")
        ordering = ["volgorde", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "organisatie"], name="partij_eenmaal_per_arrangement"),
        ]

    def __str__(self):
        return f"{self.organisatie} ({self.ondertekenaar_functie})"


class BoaInzet(models.Model):
    """Basisgegevens: number of BOA's and fte in one domein."""

    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="inzet",
    )
    domein = models.CharField(_("domein"), max_length=3, choices=Domein.choices)
    aantal_boas = models.PositiveIntegerField(_("aantal BOA's"), default=0)
    fte = models.DecimalField(
        _("fte"), max_digits=6, decimal_places=1, default=0, validators=[MinValueValidator(0)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("BOA-inzet")
        verbose_name_plural = _("BOA-inzet")
        ordering = ["domein"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "domein"], name="inzet_eenmaal_per_domein"),
            models.CheckConstraint(condition=Q(fte__gte=0), name="inzet_fte_niet_negatief"),
        ]

    def __str__(self):
        return f"{self.get_domein_display()}: {self.aantal_boas} BOA's, {self.fte} fte"


class Afspraak(models.Model):
    arrangement = models.ForeignKey(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE, related_name="afspraken",
    )
    onderwerp = models.ForeignKey(
        Onderwerp, verbose_name=_("onderwerp"), on_delete=models.PROTECT, related_name="afspraken",
    )
    titel = models.CharField(_("titel"), max_length=200)
    tekst = models.TextField(_("tekst"))
    verantwoordelijke = models.CharField(
        _("verantwoordelijke"), max_length=20, choices=Verantwoordelijke.choices,
    )
    volgorde = models.PositiveIntegerField(_("volgorde"), default=0)
    modelafspraak = models.ForeignKey(
        Modelafspraak, verbose_name=_("modelafspraak"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="afspraken",
    )
    vorige = models.OneToOneField(
        "self", verbose_name=_("zelfde afspraak in de vorige versie"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="volgende",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["arrangement", "volgorde", "pk"]

    def __str__(self):
        return self.titel

    @property
    def niveau(self) -> str:
        """The niveau is the onderwerp's: an afspraak is grouped under its onderwerp."""
        return self.onderwerp.niveau


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
        help_text=_("Een goedkeuring vervalt zodra het arrangement terug naar concept gaat."),
    )
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


# --- PDF, signing and verification ---------------------------------------------------------------

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

    arrangement = models.OneToOneField(
        Arrangement, verbose_name=_("arrangement"), on_delete=models.PROTECT, related_name="document",
    )
    referentie = models.CharField(_("documentreferentie"), max_length=100, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WACHTEND)
    fout = models.TextField(_("reden van mislukken"), blank=True)
    met_contactbijlage = models.BooleanField(_("met bijlage contactpersonen"), default=False)
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
