"""The agreement itself: arrangement, its parties, BOA-inzet and afspraken."""

import datetime

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

from .bibliotheek import Modelafspraak, Onderwerp, Verantwoordelijke
from .levensfase import IN_WERKING_FASEN, Levensfase, evaluation_date_expression, levensfase_expression


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


class Status(models.TextChoices):
    CONCEPT = "concept", _("concept")
    TER_REVIEW = "ter_review", _("ter beoordeling")
    WIJZIGINGEN_GEVRAAGD = "wijzigingen_gevraagd", _("wijzigingen gevraagd")
    GOEDGEKEURD = "goedgekeurd", _("goedgekeurd")
    VASTGESTELD = "vastgesteld", _("vastgesteld")
    ONDERTEKEND = "ondertekend", _("ondertekend")
    INGETROKKEN = "ingetrokken", _("ingetrokken")


class ArrangementQuerySet(models.QuerySet):
    def met_levensfase(self, peildatum: datetime.date | None = None):
        """Annotate `levensfase` (a Levensfase value, None unless ondertekend) on `peildatum` (default today)."""
        peildatum = peildatum or timezone.localdate()
        return self.alias(levensloop_evaluatie=evaluation_date_expression()).annotate(
            levensfase=levensfase_expression(peildatum))

    def in_force_on(self, day: datetime.date):
        """In force on `day` by the lifecycle rules: at most one version per herzieningsketen."""
        return self.met_levensfase(day).filter(levensfase__in=IN_WERKING_FASEN)


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
    # The life after signing (arrangementen.levensloop keeps these right; they are not content, so they change
    # without a herziening and the signed PDF stays as it is).
    ondertekend_op = models.DateTimeField(_("ondertekend door alle partijen op"), null=True, blank=True)
    vervangen_per = models.DateField(
        _("vervangen per"), null=True, blank=True,
        help_text=_("De dag waarop de ondertekende herziening deze versie vervangt."),
    )
    volgende_evaluatie = models.DateField(
        _("volgende evaluatie"), null=True, blank=True,
        help_text=_("Na een vastgelegde evaluatie: wanneer de driehoek opnieuw evalueert (anders de evaluatiedatum)."),
    )
    # The publication in the Gemeenteblad (arrangementen.publicatie): not content either, so set after signing.
    citeertitel = models.CharField(
        _("citeertitel"), max_length=250, blank=True,
        help_text=_("De titel waaronder het arrangement wordt aangehaald en gepubliceerd."),
    )
    cvdr_referentie = models.CharField(
        _("CVDR-identificatie of -URL"), max_length=300, blank=True,
        help_text=_("Na publicatie: bijvoorbeeld CVDR755740 of https://lokaleregelgeving.overheid.nl/CVDR755740."),
    )
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

    @property
    def is_bewerkbaar(self) -> bool:
        return self.status == Status.CONCEPT

    @property
    def is_herzienbaar(self) -> bool:
        """Only an adopted or signed arrangement can be revised into a next version."""
        return self.status in (Status.VASTGESTELD, Status.ONDERTEKEND)

    @property
    def is_verlopen(self) -> bool:
        """Derived, never stored: the levensfase 'verlopen' where the queryset annotated it (met_levensfase), else
        a signed arrangement past its end date."""
        if hasattr(self, "levensfase"):
            return self.levensfase == Levensfase.VERLOPEN
        return (self.status == Status.ONDERTEKEND and self.geldig_tot is not None
                and self.geldig_tot < timezone.localdate())


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
    bijstellen_toelichting = models.TextField(
        _("bij te stellen (uit de evaluatie)"), blank=True,
        help_text=_("Gezet door een herziening vanuit een evaluatie; vervalt zodra de afspraak is bewerkt."),
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
