"""Keys for the REST API: only their hash is stored."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .gebruiker import Gebruiker


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
