"""The driehoek and guardian's permission rows on it, the one object that carries access."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
        # A working group across organisations and driehoeken: overleggen and actiepunten, no arrangements.
        WERKGROEP = "werkgroep", _("werkgroep")

    naam = models.CharField(_("naam"), max_length=200, unique=True)
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices)
    omschrijving = models.TextField(
        _("omschrijving"), blank=True,
        help_text=_("Waar de werkgroep voor is. Alleen bij een werkgroep."),
    )
    gemeenten = models.ManyToManyField(
        Gemeente, verbose_name=_("gemeenten"), related_name="driehoeken", blank=True,
        help_text=_("Verplicht bij een driehoek; een werkgroep heeft geen gemeenten."),
    )
    basisteam = models.ForeignKey(
        Basisteam, verbose_name=_("basisteam"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="driehoeken",
    )
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="driehoeken", help_text=_("Verplicht bij een driehoek; een werkgroep heeft geen eenheid."),
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
        constraints = [
            models.CheckConstraint(
                condition=Q(soort="werkgroep") | Q(eenheid__isnull=False),
                name="driehoek_eenheid_behalve_werkgroep",
            ),
        ]
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

    @property
    def is_werkgroep(self) -> bool:
        return self.soort == self.Soort.WERKGROEP

    @property
    def titel(self) -> str:
        """The name as a heading: a werkgroep reads as one ("Werkgroep …") even when its name does not say so."""
        if self.is_werkgroep and not self.naam.lower().startswith("werkgroep"):
            return _("Werkgroep %(naam)s") % {"naam": self.naam}
        return self.naam

    def clean(self):
        # The gemeenten (many-to-many) are checked by the beheer form: they exist only after the first save.
        if self.is_werkgroep:
            errors = {}
            if self.basisteam_id:
                errors["basisteam"] = _("Een werkgroep hoort niet bij een basisteam. Laat dit veld leeg.")
            if self.eenheid_id:
                errors["eenheid"] = _("Een werkgroep hoort niet bij een politie-eenheid. Laat dit veld leeg.")
            if errors:
                raise ValidationError(errors)
        elif not self.eenheid_id:
            raise ValidationError({"eenheid": _("Kies de politie-eenheid van deze driehoek.")})


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
