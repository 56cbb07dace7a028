"""The security audit log: append-only, hash-chained entries and their signed checkpoints."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
