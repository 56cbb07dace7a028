"""Overleggen, their verslag and actiepunten, and the reminders that follow the actiepunten up.

Write through actiepunten.services only; read through actiepunten.selectors (scoped by driehoek).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from samenwerking.models import Driehoek

from .opmaak import (  # noqa: F401 - re-exported
    VERSLAG_ATTRIBUTES,
    VERSLAG_TAGS,
    markdown_html,
    sanitise_html,
    verslag_html,
)


class Overleg(models.Model):
    class Soort(models.TextChoices):
        DRIEHOEKSOVERLEG = "driehoeksoverleg", _("driehoeksoverleg")
        TACTISCH = "tactisch", _("tactisch overleg")
        WERKGROEP = "werkgroep", _("werkgroep")
        BRIEFING = "briefing", _("operationele briefing")
        EVALUATIE = "evaluatie", _("evaluatie")

    driehoek = models.ForeignKey(
        Driehoek, verbose_name=_("driehoek"), on_delete=models.PROTECT, related_name="overleggen",
    )
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    titel = models.CharField(_("titel"), max_length=250, blank=True,
                             help_text=_("Bijvoorbeeld 'Werkgroep Samenwerking'. Leeg: de soort overleg."))
    datum = models.DateField(_("datum"))
    begintijd = models.TimeField(_("begintijd"), null=True, blank=True)
    eindtijd = models.TimeField(_("eindtijd"), null=True, blank=True)
    locatie = models.CharField(_("locatie"), max_length=250, blank=True)
    voorzitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("voorzitter"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    voorzitter_extern = models.CharField(_("voorzitter (extern)"), max_length=200, blank=True)
    secretaris = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("secretaris"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    secretaris_extern = models.CharField(_("secretaris (extern)"), max_length=200, blank=True)
    verslag = models.TextField(_("verslag"), blank=True)
    vorige = models.ForeignKey("self", verbose_name=_("vorig overleg"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="volgende")
    verslag_vastgesteld_op = models.DateTimeField(_("verslag vastgesteld op"), null=True, blank=True)
    verslag_vastgesteld_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verslag vastgesteld door"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")
        ordering = ["-datum", "-begintijd", "-pk"]
        indexes = [models.Index(fields=["driehoek", "datum"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(eindtijd__isnull=True) | Q(begintijd__isnull=True)
                | Q(eindtijd__gte=models.F("begintijd")),
                name="overleg_tijd_oplopend",
            ),
        ]

    def __str__(self):
        return f"{self.naam} {self.datum:%d-%m-%Y}"

    def get_absolute_url(self):
        return reverse("actiepunten:overleg", args=[self.pk])

    @property
    def naam(self) -> str:
        return self.titel or str(self.get_soort_display()).capitalize()

    @property
    def verslag_veilig(self) -> str:
        """Markdown rendered and sanitised; a verslag stored as HTML (before Markdown) is sanitised again."""
        return verslag_html(self.verslag)

    @property
    def voorzitter_naam(self) -> str:
        return str(self.voorzitter) if self.voorzitter_id else self.voorzitter_extern

    @property
    def secretaris_naam(self) -> str:
        return str(self.secretaris) if self.secretaris_id else self.secretaris_extern


class Deelname(models.Model):
    """A deelnemer or afwezige of an overleg: a user, or an external person with name and organisation."""

    overleg = models.ForeignKey(Overleg, verbose_name=_("overleg"), on_delete=models.CASCADE,
                                related_name="deelnames")
    gebruiker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="deelnames",
    )
    naam = models.CharField(_("naam"), max_length=200, blank=True)
    organisatie = models.CharField(_("organisatie"), max_length=200, blank=True)
    aanwezig = models.BooleanField(_("aanwezig"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deelname")
        verbose_name_plural = _("deelnames")
        ordering = ["-aanwezig", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gebruiker__isnull=False) | ~Q(naam=""),
                                   name="deelname_gebruiker_of_naam"),
        ]

    def __str__(self):
        naam = str(self.gebruiker) if self.gebruiker_id else self.naam
        return f"{naam} ({self.organisatie})" if self.organisatie else naam


class Agendapunt(models.Model):
    overleg = models.ForeignKey(Overleg, verbose_name=_("overleg"), on_delete=models.CASCADE,
                                related_name="agendapunten")
    volgorde = models.PositiveIntegerField(_("volgorde"))
    onderwerp = models.CharField(_("onderwerp"), max_length=300)
    verslag = models.TextField(_("verslag bij dit agendapunt"), blank=True, help_text=_("Opmaak met Markdown."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["overleg", "volgorde"]

    def __str__(self):
        return f"{self.volgorde}. {self.onderwerp}"

    @property
    def verslag_html(self) -> str:
        return markdown_html(self.verslag)


class Besluit(models.Model):
    overleg = models.ForeignKey(Overleg, verbose_name=_("overleg"), on_delete=models.CASCADE,
                                related_name="besluiten")
    volgorde = models.PositiveIntegerField(_("volgorde"))
    tekst = models.TextField(_("tekst"))
    agendapunt = models.ForeignKey(Agendapunt, verbose_name=_("agendapunt"), on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="besluiten")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("besluit")
        verbose_name_plural = _("besluiten")
        ordering = ["overleg", "volgorde"]

    def __str__(self):
        return self.tekst[:80]


class Status(models.TextChoices):
    OPEN = "open", _("open")
    IN_UITVOERING = "in_uitvoering", _("in uitvoering")
    GEREED = "gereed", _("gereed")
    VERVALLEN = "vervallen", _("vervallen")


LOPEND = (Status.OPEN, Status.IN_UITVOERING)


class Actiepunt(models.Model):
    driehoek = models.ForeignKey(
        Driehoek, verbose_name=_("driehoek"), on_delete=models.PROTECT, related_name="actiepunten",
    )
    overleg = models.ForeignKey(
        Overleg, verbose_name=_("overleg"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="actiepunten",
    )
    nummer = models.PositiveIntegerField(_("nummer"))
    onderwerp = models.TextField(_("onderwerp"))
    eigenaar = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("eigenaar"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="actiepunten",
    )
    extern_naam = models.CharField(_("naam (extern)"), max_length=200, blank=True)
    extern_email = models.EmailField(_("e-mailadres (extern)"), blank=True)
    extern_organisatie = models.CharField(_("organisatie (extern)"), max_length=200, blank=True)
    # Empty only when an import said so on purpose ('z.s.m.', 'doorlopend'): shown as "datum onbekend".
    datum_gereed = models.DateField(_("datum gereed"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    toelichting = models.TextField(_("toelichting"), blank=True)
    arrangement = models.ForeignKey(
        "arrangementen.Arrangement", verbose_name=_("arrangement"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="actiepunten",
    )
    afspraak = models.ForeignKey(
        "arrangementen.Afspraak", verbose_name=_("afspraak"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="actiepunten",
    )
    evaluatie = models.ForeignKey(
        "actiepunten.Evaluatie", verbose_name=_("uit evaluatie"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="actiepunten",
    )
    gereed_op = models.DateField(_("gereed gemeld op"), null=True, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    # The reason holds the toelichting of a status change, which may be longer than the default 100 characters.
    history = HistoricalRecords(excluded_fields=["gewijzigd_op"],
                                history_change_reason_field=models.TextField(null=True))

    class Meta:
        verbose_name = _("actiepunt")
        verbose_name_plural = _("actiepunten")
        ordering = ["datum_gereed", "nummer", "pk"]
        indexes = [
            models.Index(fields=["driehoek", "status", "datum_gereed"]),
            models.Index(fields=["eigenaar", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["overleg", "nummer"], condition=Q(overleg__isnull=False),
                                    name="actiepunt_nummer_uniek_per_overleg"),
            models.UniqueConstraint(fields=["driehoek", "nummer"], condition=Q(overleg__isnull=True),
                                    name="actiepunt_nummer_uniek_zonder_overleg"),
            models.CheckConstraint(condition=Q(eigenaar__isnull=False) | ~Q(extern_naam=""),
                                   name="actiepunt_heeft_eigenaar"),
        ]

    def __str__(self):
        return f"{self.nummer}. {self.onderwerp[:80]}"

    def get_absolute_url(self):
        return reverse("actiepunten:actiepunt", args=[self.pk])

    @property
    def is_extern(self) -> bool:
        return self.eigenaar_id is None

    @property
    def eigenaar_naam(self) -> str:
        if self.eigenaar_id:
            return str(self.eigenaar)
        return f"{self.extern_naam} ({self.extern_organisatie})" if self.extern_organisatie else self.extern_naam

    @property
    def wie(self) -> str:
        """'Jos Speetjens i.s.m. de secretaris': the eigenaar and the co-owners (prefetched on the lists)."""
        mede = [str(m) for m in self.medeeigenaren.all()]
        return _("%(eigenaar)s i.s.m. %(mede)s") % {"eigenaar": self.eigenaar_naam, "mede": ", ".join(mede)} if mede \
            else self.eigenaar_naam

    @property
    def eigenaar_email(self) -> str:
        return self.eigenaar.email if self.eigenaar_id else self.extern_email

    @property
    def is_lopend(self) -> bool:
        return self.status in LOPEND

    def signaal(self, today: datetime.date | None = None) -> str:
        """What the lists show, by colour and text: verlopen, binnenkort, open, in_uitvoering, gereed, vervallen."""
        today = today or timezone.localdate()
        if self.is_lopend and self.datum_gereed is not None:
            if self.datum_gereed < today:
                return "verlopen"
            if self.datum_gereed <= today + datetime.timedelta(days=settings.ACTIEPUNT_HERINNERING_DAGEN):
                return "binnenkort"
        return self.status

    def get_signaal_display(self) -> str:
        return str(SIGNALEN[self.signaal()])


SIGNALEN = {
    "verlopen": _("verlopen"),
    "binnenkort": _("binnenkort"),
    Status.OPEN: _("open"),
    Status.IN_UITVOERING: _("in uitvoering"),
    Status.GEREED: _("gereed"),
    Status.VERVALLEN: _("vervallen"),
}


class Herinnering(models.Model):
    """One reminder: a unique (onderwerp, soort, periode), claimed before it is sent, so it goes out once."""

    class Soort(models.TextChoices):
        BINNENKORT = "binnenkort", _("actiepunt binnenkort gereed")
        VANDAAG = "vandaag", _("actiepunt vandaag gereed")
        VERLOPEN = "verlopen", _("actiepunt verlopen")
        TOEGEWEZEN = "toegewezen", _("actiepunt toegewezen")
        WEEKOVERZICHT = "weekoverzicht", _("weekoverzicht voor de secretaris")

    class OnderwerpType(models.TextChoices):
        ACTIEPUNT = "actiepunt", _("actiepunt")
        GEBRUIKER = "gebruiker", _("gebruiker")
        TOEWIJZING = "toewijzing", _("toewijzing van een actiepunt")

    class Verzending(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("te verzenden")
        VERZONDEN = "verzonden", _("verzonden")
        MISLUKT = "mislukt", _("mislukt, wordt opnieuw geprobeerd")
        OVERGESLAGEN = "overgeslagen", _("overgeslagen: niet meer nodig")

    onderwerp_type = models.CharField(_("soort onderwerp"), max_length=20, choices=OnderwerpType.choices)
    onderwerp_id = models.PositiveBigIntegerField(_("onderwerp"))
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    periode = models.CharField(_("periode"), max_length=40)
    driehoek = models.ForeignKey(Driehoek, verbose_name=_("driehoek"), on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="+")
    status = models.CharField(_("verzending"), max_length=20, choices=Verzending.choices,
                              default=Verzending.TE_VERZENDEN)
    pogingen = models.PositiveIntegerField(_("pogingen"), default=0)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    ontvangers = models.TextField(_("ontvangers"), blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("herinnering")
        verbose_name_plural = _("herinneringen")
        ordering = ["-aangemaakt_op", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["onderwerp_type", "onderwerp_id", "soort", "periode"],
                                    name="herinnering_eenmaal_per_periode"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.get_soort_display()} – {self.onderwerp_type} {self.onderwerp_id} – {self.periode}"


class Voorkeur(models.Model):
    """A user's choices for this app: digest opt-out. Own due-date reminders cannot be switched off."""

    gebruiker = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"),
                                     on_delete=models.CASCADE, related_name="actiepunten_voorkeur")
    weekoverzicht = models.BooleanField(
        _("weekoverzicht ontvangen"), default=True,
        help_text=_("Als driehoeksecretaris elke week een overzicht van de lopende actiepunten."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voorkeur")
        verbose_name_plural = _("voorkeuren")

    def __str__(self):
        return str(self.gebruiker)


class Agendakoppeling(models.Model):
    """A personal iCal feed. Only a SHA-256 of the secret token is stored; revoking deletes nothing else."""

    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"),
                                  on_delete=models.CASCADE, related_name="agendakoppelingen")
    token_hash = models.CharField(_("tokenhash"), max_length=64, unique=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        verbose_name = _("agendakoppeling")
        verbose_name_plural = _("agendakoppelingen")
        ordering = ["-aangemaakt_op"]

    def __str__(self):
        return f"{self.gebruiker} ({self.aangemaakt_op:%d-%m-%Y})"


class ImportToewijzing(models.Model):
    """The column mapping a driehoek chose in its last import: normalised column title → field ('' = left out)."""

    driehoek = models.OneToOneField(Driehoek, verbose_name=_("driehoek"), on_delete=models.CASCADE,
                                    related_name="importtoewijzing")
    kolommen = models.JSONField(_("kolommen"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("importtoewijzing")
        verbose_name_plural = _("importtoewijzingen")

    def __str__(self):
        return str(self.driehoek)


# The evaluation models live in their own module; imported here so Django registers them with this app.
from .cyclus.models import Medeeigenaar, Meegenomen, Verslagverzending, Voortgang  # noqa: E402, F401
from .evaluaties.models import Afspraakoordeel, Conclusie, Evaluatie, Oordeel, Stroomoordeel  # noqa: E402, F401
