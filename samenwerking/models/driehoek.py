"""The driehoek and guardian's permission rows on it, the one object that carries access."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from .gebied import Basisteam, Eenheid, Gemeente, Organisatie


def default_goedkeurende_soorten() -> list[str]:
    """Politie and OM always; "gemeente" means every gemeente party other than the drafter's."""
    return [Organisatie.Soort.POLITIE, Organisatie.Soort.OM, Organisatie.Soort.GEMEENTE]


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
    goedkeurende_soorten = models.JSONField(
        _("partijen die moeten goedkeuren"), default=default_goedkeurende_soorten, blank=True,
        help_text=_("De soorten partijen die een arrangement moeten goedkeuren voordat het goedgekeurd is. "
                    "Bij 'gemeente': elke gemeente behalve die van de opsteller."),
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
