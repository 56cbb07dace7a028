"""Opzegging: a party's notice that ends a signed arrangement on a date; the signed PDF is never altered."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .arrangement import Arrangement, Partij


class Opzegging(models.Model):
    """One notice per arrangement: given by an ondertekenaar for their party, effective on `ingangsdatum` (the
    notice date plus the opzegtermijn, or later), with the reason; who, when and why stay in the history."""

    arrangement = models.OneToOneField(Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE,
                                       related_name="opzegging")
    partij = models.ForeignKey(Partij, verbose_name=_("namens partij"), on_delete=models.PROTECT, related_name="+")
    door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("opgezegd door"), on_delete=models.PROTECT,
                             related_name="+")
    reden = models.TextField(_("reden"))
    gedaan_op = models.DateTimeField(_("opgezegd op"), default=timezone.now)
    ingangsdatum = models.DateField(_("opzegging gaat in op"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("opzegging")
        verbose_name_plural = _("opzeggingen")
        indexes = [models.Index(fields=["ingangsdatum"])]

    def __str__(self):
        return f"{self.arrangement} – opgezegd per {self.ingangsdatum:%d-%m-%Y}"
