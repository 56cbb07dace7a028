"""Where: the public-safety geography down to werkgebieden, and the organisations that are parties."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Eenheid(models.Model):
    class Soort(models.TextChoices):
        REGIONAAL = "regionaal", _("regionale eenheid")
        LANDELIJK = "landelijk", _("landelijke eenheid")

    code = models.CharField(_("code"), max_length=10, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    volledige_naam = models.CharField(_("volledige naam"), max_length=150)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("politie-eenheid")
        verbose_name_plural = _("politie-eenheden")
        ordering = ["code"]

    def __str__(self):
        return self.volledige_naam


class Veiligheidsregio(models.Model):
    code = models.CharField(_("code"), max_length=10, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT,
        related_name="veiligheidsregios",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("veiligheidsregio")
        verbose_name_plural = _("veiligheidsregio's")
        ordering = ["code"]

    def __str__(self):
        return f"{self.naam} ({self.code})"


class District(models.Model):
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT,
        related_name="districten",
    )
    naam = models.CharField(_("naam"), max_length=100)
    opmerking = models.CharField(_("opmerking"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districten")
        ordering = ["eenheid__code", "naam"]
        constraints = [
            models.UniqueConstraint(fields=["eenheid", "naam"], name="district_uniek_per_eenheid"),
        ]

    def __str__(self):
        return self.naam


class Basisteam(models.Model):
    naam = models.CharField(_("naam"), max_length=100)
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT,
        related_name="basisteams",
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="basisteams",
    )
    bron = models.CharField(_("bron"), max_length=500, blank=True)
    bron_datum = models.CharField(_("datum van de bron"), max_length=50, blank=True)
    betrouwbaarheid = models.CharField(_("betrouwbaarheid"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("basisteam")
        verbose_name_plural = _("basisteams")
        ordering = ["naam"]
        constraints = [
            models.UniqueConstraint(fields=["eenheid", "naam"], name="basisteam_uniek_per_eenheid"),
        ]

    def __str__(self):
        return self.naam


class Arrondissementsparket(models.Model):
    """An OM arrondissementsparket (10): the OM party of an arrangement. Gelderland and Overijssel share one."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    arrondissementen = models.CharField(_("arrondissementen"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("arrondissementsparket")
        verbose_name_plural = _("arrondissementsparketten")
        ordering = ["naam"]

    def __str__(self):
        return str(_("Arrondissementsparket %(naam)s") % {"naam": self.naam})


class Gemeente(models.Model):
    cbs_code = models.CharField(_("CBS-code"), max_length=6, unique=True)
    officiele_naam = models.CharField(_("officiële naam"), max_length=100)
    weergavenaam = models.CharField(
        _("weergavenaam"), max_length=100,
        help_text=_("De naam zoals gebruikers hem kennen, bijvoorbeeld 'Den Haag'."),
    )
    provincie_code = models.CharField(_("provinciecode"), max_length=4)
    provincie_naam = models.CharField(_("provincie"), max_length=50)
    veiligheidsregio = models.ForeignKey(
        Veiligheidsregio, verbose_name=_("veiligheidsregio"), on_delete=models.PROTECT,
        related_name="gemeenten",
    )
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT,
        related_name="gemeenten",
    )
    arrondissement = models.CharField(_("arrondissement"), max_length=50, blank=True)
    parket = models.ForeignKey(
        Arrondissementsparket, verbose_name=_("arrondissementsparket"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="gemeenten",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["weergavenaam"]

    def __str__(self):
        return self.weergavenaam


class Werkgebied(models.Model):
    class Dekking(models.TextChoices):
        GEHEEL = "geheel", _("gehele gemeente")
        DEEL = "deel", _("deel van de gemeente")
        ONBEKEND = "onbekend", _("niet bekend")

    basisteam = models.ForeignKey(
        Basisteam, verbose_name=_("basisteam"), on_delete=models.CASCADE,
        related_name="werkgebieden",
    )
    gemeente = models.ForeignKey(
        Gemeente, verbose_name=_("gemeente"), on_delete=models.PROTECT,
        related_name="werkgebieden",
    )
    dekking = models.CharField(_("dekking"), max_length=10, choices=Dekking.choices)
    omschrijving = models.CharField(_("omschrijving"), max_length=255, blank=True)
    geldig_van = models.DateField(_("geldig van"), null=True, blank=True)
    geldig_tot = models.DateField(_("geldig tot"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("werkgebied")
        verbose_name_plural = _("werkgebieden")
        ordering = ["basisteam__naam", "gemeente__weergavenaam"]
        constraints = [
            models.UniqueConstraint(
                fields=["basisteam", "gemeente"], name="werkgebied_uniek_per_team_en_gemeente",
            ),
            models.CheckConstraint(
                condition=Q(geldig_tot__isnull=True) | Q(geldig_van__isnull=True)
                | Q(geldig_tot__gte=models.F("geldig_van")),
                name="werkgebied_periode_oplopend",
            ),
        ]

    def __str__(self):
        return f"{self.basisteam} – {self.gemeente} ({self.get_dekking_display()})"

    def clean(self):
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValidationError({"geldig_tot": _("'Geldig tot' ligt vóór 'geldig van'.")})


class Organisatie(models.Model):
    class Soort(models.TextChoices):
        GEMEENTE = "gemeente", _("gemeente")
        POLITIE = "politie", _("politie")
        OM = "om", _("Openbaar Ministerie")
        TERREINBEHEERDER = "terreinbeheerder", _("terreinbeheerder")
        VERVOERDER = "vervoerder", _("vervoerder")
        OMGEVINGSDIENST = "omgevingsdienst", _("omgevingsdienst")
        PROVINCIE = "provincie", _("provincie")
        WATERSCHAP = "waterschap", _("waterschap")
        OVERIG = "overig", _("overig")

    naam = models.CharField(_("naam"), max_length=200, unique=True)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    gemeente = models.ForeignKey(
        Gemeente, verbose_name=_("gemeente"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisaties",
    )
    basisteam = models.ForeignKey(
        Basisteam, verbose_name=_("basisteam"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisaties",
    )
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="organisaties",
    )
    parket = models.ForeignKey(
        Arrondissementsparket, verbose_name=_("arrondissementsparket"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="organisaties",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        ordering = ["naam"]

    def __str__(self):
        return self.naam
