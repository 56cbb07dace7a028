"""Who and where: the public-safety geography, the parties, the driehoeken and who sits in them."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
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


class Driehoek(models.Model):
    class Soort(models.TextChoices):
        LOKAAL = "lokaal", _("lokale driehoek")
        BASISTEAM = "basisteam", _("basisteamdriehoek")
        DISTRICT = "district", _("districtsdriehoek")
        REGIONAAL = "regionaal", _("regionale driehoek")

    naam = models.CharField(_("naam"), max_length=200, unique=True)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    gemeenten = models.ManyToManyField(
        Gemeente, verbose_name=_("gemeenten"), related_name="driehoeken",
    )
    basisteam = models.ForeignKey(
        Basisteam, verbose_name=_("basisteam"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="driehoeken",
    )
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT,
        related_name="driehoeken",
    )
    history = HistoricalRecords(m2m_fields=[gemeenten])

    class Meta:
        verbose_name = _("driehoek")
        verbose_name_plural = _("driehoeken")
        ordering = ["naam"]
        # The per-driehoek permissions that roles grant (see samenwerking.rollen).
        permissions = [
            ("draft_arrangement", _("Arrangementen opstellen")),
            ("review_arrangement", _("Arrangementen beoordelen")),
            ("adopt_arrangement", _("Vaststelling van arrangementen vastleggen")),
            ("sign_arrangement", _("Arrangementen ondertekenen")),
            ("export_arrangement", _("Arrangementen exporteren")),
            ("manage_overleg", _("Overleggen beheren")),
            ("manage_actiepunten", _("Actiepunten beheren")),
        ]

    def __str__(self):
        return self.naam


class DriehoekGebruikerRecht(UserObjectPermissionBase):
    """Guardian's user permission rows, with a real foreign key to Driehoek and the period they hold.

    Written only by samenwerking.services.sync_permissions, read only by samenwerking.toegang: one row per
    permission and unbroken period of the memberships that grant it, so a second period after a gap is a
    second row.
    """

    content_object = models.ForeignKey(Driehoek, on_delete=models.CASCADE)
    geldig_van = models.DateField(_("geldig van"), default=timezone.localdate)
    geldig_tot = models.DateField(_("geldig tot"), null=True, blank=True,
                                  help_text=_("De eerste dag waarop dit recht niet meer geldt. Leeg: onbepaald."))

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("recht van gebruiker op driehoek")
        verbose_name_plural = _("rechten van gebruikers op driehoeken")
        unique_together = [("user", "permission", "content_object", "geldig_van")]


class Gebruiker(AbstractUser):
    functie = models.CharField(_("functie"), max_length=150, blank=True)
    organisatie = models.ForeignKey(
        Organisatie, verbose_name=_("organisatie"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="medewerkers",
    )
    oidc_sub = models.CharField(
        _("OIDC-kenmerk (sub)"), max_length=255, unique=True, null=True, blank=True,
        help_text=_("Het vaste kenmerk (sub) van deze persoon bij de identiteitsprovider van de organisatie. "
                    "Alleen nodig als inloggen via de organisatie aanstaat."),
    )
    # Part of the session hash: raising it ends every session of this user at once (a beheerder's reset of
    # the second step, for a lost phone), at no cost per request.
    sessie_generatie = models.PositiveIntegerField(_("sessiegeneratie"), default=0, editable=False)
    is_systeemaccount = models.BooleanField(
        _("systeemaccount"), default=False,
        help_text=_("Een account voor een gekoppeld systeem, niet voor een persoon. Het krijgt API-tokens van een "
                    "beheerder en kan nooit beoordelen, vaststellen of ondertekenen, welke rol het ook heeft. "
                    "Alleen in te stellen bij het aanmaken."),
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login", "sessie_generatie"])

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        swappable = "AUTH_USER_MODEL"

    def __str__(self):
        return self.get_full_name() or self.username

    def _get_session_auth_hash(self, secret=None):
        key_salt = "samenwerking.Gebruiker.session_auth_hash"
        return salted_hmac(key_salt, f"{self.password}|{self.sessie_generatie}", secret=secret,
                           algorithm="sha256").hexdigest()


class Rol(models.TextChoices):
    COORDINATOR = "coordinator", _("BOA-coördinator")
    REVIEWER = "reviewer", _("beoordelaar")
    SECRETARIS = "secretaris", _("driehoeksecretaris")
    ONDERTEKENAAR = "ondertekenaar", _("ondertekenaar")
    LEZER = "lezer", _("lezer")


class LidmaatschapQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(actief_van__lte=day).filter(
            Q(actief_tot__isnull=True) | Q(actief_tot__gt=day)
        )

    def active(self):
        return self.active_on(timezone.localdate())


class Lidmaatschap(models.Model):
    """A user's role in a driehoek for a period. Write through samenwerking.services only."""

    gebruiker = models.ForeignKey(
        Gebruiker, verbose_name=_("gebruiker"), on_delete=models.CASCADE,
        related_name="lidmaatschappen",
    )
    driehoek = models.ForeignKey(
        Driehoek, verbose_name=_("driehoek"), on_delete=models.CASCADE,
        related_name="lidmaatschappen",
    )
    rol = models.CharField(_("rol"), max_length=20, choices=Rol.choices)
    actief_van = models.DateField(_("actief van"), default=timezone.localdate)
    actief_tot = models.DateField(
        _("actief tot"), null=True, blank=True,
        help_text=_("De eerste dag waarop het lidmaatschap niet meer geldt. Leeg: onbepaald."),
    )
    history = HistoricalRecords()

    objects = LidmaatschapQuerySet.as_manager()

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["driehoek__naam", "gebruiker__last_name", "rol"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actief_tot__isnull=True) | Q(actief_tot__gte=models.F("actief_van")),
                name="lidmaatschap_periode_oplopend",
            ),
        ]
        indexes = [models.Index(fields=["gebruiker", "driehoek"])]

    def __str__(self):
        return f"{self.gebruiker} – {self.get_rol_display()} – {self.driehoek}"

    def clean(self):
        if self.actief_van and self.actief_tot and self.actief_tot < self.actief_van:
            raise ValidationError({"actief_tot": _("'Actief tot' ligt vóór 'actief van'.")})

    def is_active_on(self, day) -> bool:
        return self.actief_van <= day and (self.actief_tot is None or self.actief_tot > day)


class AuditregelQuerySet(models.QuerySet):
    """Append-only: bulk updates and deletes are refused here and, on PostgreSQL, by a trigger."""

    def update(self, **kwargs):
        raise PermissionError("Het beveiligingslogboek is alleen aan te vullen.")

    def delete(self):
        raise PermissionError("Het beveiligingslogboek is alleen aan te vullen.")


class Auditregel(models.Model):
    """One entry of the security audit log (BIO/ASVS): who did what to which object, with what result, from where.

    Separate from the field history (HistoricalRecords): that one records old/new values and may be pruned;
    this one is append-only and hash-chained, so it has no HistoricalRecords of its own (there is nothing to
    version) and no foreign keys (deleting a user must not rewrite, and so break, the chain).
    Write through samenwerking.audit.record only.
    """

    class Gebeurtenis(models.TextChoices):
        INLOGGEN = "inloggen", _("ingelogd")
        INLOGGEN_MISLUKT = "inloggen_mislukt", _("inloggen mislukt")
        UITLOGGEN = "uitloggen", _("uitgelogd")
        GEBLOKKEERD = "geblokkeerd", _("geblokkeerd na te veel pogingen")
        SESSIE_VERLOPEN = "sessie_verlopen", _("sessie verlopen")
        LIDMAATSCHAP_TOEGEKEND = "lidmaatschap_toegekend", _("lidmaatschap toegekend")
        LIDMAATSCHAP_GEWIJZIGD = "lidmaatschap_gewijzigd", _("lidmaatschap gewijzigd")
        LIDMAATSCHAP_BEEINDIGD = "lidmaatschap_beeindigd", _("lidmaatschap beëindigd")
        LIDMAATSCHAP_VERWIJDERD = "lidmaatschap_verwijderd", _("lidmaatschap verwijderd")
        ACCOUNT_GEWIJZIGD = "account_gewijzigd", _("account of beheerrol gewijzigd")
        PDF_GEMAAKT = "pdf_gemaakt", _("PDF gemaakt")
        PDF_GEDOWNLOAD = "pdf_gedownload", _("PDF gedownload")
        ONDERTEKEND = "ondertekend", _("ondertekend")
        VERIFICATIE = "verificatie", _("PDF ter verificatie geüpload")
        EXPORT = "export", _("beveiligingsgegevens geëxporteerd")
        MFA_INGESTELD = "mfa_ingesteld", _("tweestapsverificatie ingesteld")
        MFA_VERIFICATIE = "mfa_verificatie", _("tweede stap bij inloggen")
        MFA_HERSTELCODES = "mfa_herstelcodes", _("herstelcodes vernieuwd")
        MFA_UITGESCHAKELD = "mfa_uitgeschakeld", _("tweestapsverificatie uitgeschakeld")
        MFA_APP_GEKOPPELD = "mfa_app_gekoppeld", _("andere authenticator-app gekoppeld")
        TOEGANG_GEWEIGERD = "toegang_geweigerd", _("toegang geweigerd (403/404)")
        OVERGANG_GEWEIGERD = "overgang_geweigerd", _("statusovergang geweigerd")
        IMPORT_GEWEIGERD = "import_geweigerd", _("import geweigerd")
        LIMIET_OVERSCHREDEN = "limiet_overschreden", _("limiet overschreden")
        API_TOKEN_AANGEMAAKT = "api_token_aangemaakt", _("API-token aangemaakt")
        API_TOKEN_GEBRUIKT = "api_token_gebruikt", _("API-token gebruikt")
        API_TOKEN_INGETROKKEN = "api_token_ingetrokken", _("API-token ingetrokken")
        AUDIT_CONTROLEPUNT = "audit_controlepunt", _("controlepunt van het logboek")
        ACCOUNT_AANGEMAAKT = "account_aangemaakt", _("account aangemaakt")
        UITNODIGING_VERSTUURD = "uitnodiging_verstuurd", _("uitnodiging verstuurd")
        UITNODIGING_GEBRUIKT = "uitnodiging_gebruikt", _("uitnodiging gebruikt")
        REFERENTIEDATA_GEIMPORTEERD = "referentiedata_geimporteerd", _("referentiegegevens geïmporteerd")

    class Resultaat(models.TextChoices):
        GELUKT = "gelukt", _("gelukt")
        MISLUKT = "mislukt", _("mislukt")
        GEWEIGERD = "geweigerd", _("geweigerd")

    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    gebeurtenis = models.CharField(_("gebeurtenis"), max_length=40, choices=Gebeurtenis.choices, db_index=True)
    resultaat = models.CharField(_("resultaat"), max_length=20, choices=Resultaat.choices)
    gebruiker_id = models.BigIntegerField(_("gebruiker-id"), null=True, blank=True, db_index=True)
    gebruikersnaam = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    object_type = models.CharField(_("soort object"), max_length=100, blank=True)
    object_id = models.CharField(_("object-id"), max_length=64, blank=True)
    object_omschrijving = models.CharField(_("object"), max_length=300, blank=True)
    ip_adres = models.CharField(_("IP-adres"), max_length=45, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    vorige_hash = models.CharField(_("hash van de vorige regel"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditregelQuerySet.as_manager()

    class Meta:
        verbose_name = _("regel van het beveiligingslogboek")
        verbose_name_plural = _("beveiligingslogboek")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.tijdstip:%Y-%m-%d %H:%M:%S} {self.get_gebeurtenis_display()} {self.gebruikersnaam}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Een regel van het beveiligingslogboek wordt nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Een regel van het beveiligingslogboek wordt nooit verwijderd.")


class Auditcontrolepunt(models.Model):
    """A signed anchor of the security log's length, kept outside its table: after `aantal` entries the last
    one was `laatste_id` with hash `laatste_hash`. Deleting the newest log entries leaves the log shorter than
    its latest checkpoint, which verify_chain reports. Append-only and hash-chained like the log itself;
    written by samenwerking.audit only (every AUDITLOG_CONTROLEPUNT_INTERVAL entries and by the hourly task).
    """

    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now)
    aantal = models.PositiveBigIntegerField(_("aantal regels"))
    laatste_id = models.BigIntegerField(_("laatste regel"))
    laatste_hash = models.CharField(_("hash van de laatste regel"), max_length=64)
    vorige_hash = models.CharField(_("hash van het vorige controlepunt"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    objects = AuditregelQuerySet.as_manager()

    class Meta:
        verbose_name = _("controlepunt van het beveiligingslogboek")
        verbose_name_plural = _("controlepunten van het beveiligingslogboek")
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.tijdstip:%Y-%m-%d %H:%M:%S}: {self.aantal} regels t/m {self.laatste_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Een controlepunt van het beveiligingslogboek wordt nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Een controlepunt van het beveiligingslogboek wordt nooit verwijderd.")


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ingetrokken_op=None, verloopt_op__gt=timezone.now())


class ApiToken(models.Model):
    """A key for the REST API, issued to a user themself or by a beheerder to a system account.

    Only a SHA-256 of the key is stored (the key holds 256 random bits, so a plain hash is enough); the key is
    shown once when it is made. Write through samenwerking.api_tokens only.
    """

    gebruiker = models.ForeignKey(
        Gebruiker, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    naam = models.CharField(_("omschrijving"), max_length=100,
                            help_text=_("Waarvoor de token dient, bijvoorbeeld de naam van de koppeling."))
    prefix = models.CharField(_("herkenningsteken"), max_length=20, editable=False,
                              help_text=_("Het begin van de sleutel, om hem te herkennen; geen geheim."))
    sleutel_hash = models.CharField(_("hash van de sleutel"), max_length=64, unique=True, editable=False)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now, editable=False)
    aangemaakt_door = models.ForeignKey(
        Gebruiker, verbose_name=_("aangemaakt door"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False,
    )
    verloopt_op = models.DateTimeField(_("verloopt op"))
    laatst_gebruikt = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True, editable=False)
    ingetrokken_op = models.DateTimeField(_("ingetrokken op"), null=True, blank=True, editable=False)
    # The hash stays out of the history; the last use changes every minute and is no change of the token.
    history = HistoricalRecords(excluded_fields=["sleutel_hash", "laatst_gebruikt"])

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["-aangemaakt_op", "-id"]

    def __str__(self):
        return f"{self.naam} ({self.prefix}…)"

    @property
    def ingetrokken(self) -> bool:
        return self.ingetrokken_op is not None

    @property
    def verlopen(self) -> bool:
        return self.verloopt_op <= timezone.now()

    @property
    def actief(self) -> bool:
        return not self.ingetrokken and not self.verlopen
