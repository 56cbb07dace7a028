"""Above the driehoek: a user's dated read access to the aggregate picture of an eenheid, a veiligheidsregio or
the whole country (issue 16). It grants nothing inside a driehoek; samenwerking.toegang says what it does grant."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .gebied import Eenheid, Veiligheidsregio
from .gebruiker import Gebruiker, LidmaatschapQuerySet


class Overzichtsniveau(models.TextChoices):
    EENHEID = "eenheid", _("politie-eenheid")
    VEILIGHEIDSREGIO = "veiligheidsregio", _("veiligheidsregio")
    LANDELIJK = "landelijk", _("heel Nederland")


class Overzichtslidmaatschap(models.Model):
    """A user's aggregate view of every gemeente in a scope for a period. Write through
    samenwerking.overzichtsrollen only; read through samenwerking.toegang only."""

    gebruiker = models.ForeignKey(
        Gebruiker, verbose_name=_("gebruiker"), on_delete=models.CASCADE,
        related_name="overzichtslidmaatschappen",
    )
    niveau = models.CharField(_("niveau"), max_length=20, choices=Overzichtsniveau.choices)
    eenheid = models.ForeignKey(
        Eenheid, verbose_name=_("politie-eenheid"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="overzichtslidmaatschappen",
        help_text=_("Alleen bij niveau politie-eenheid."),
    )
    veiligheidsregio = models.ForeignKey(
        Veiligheidsregio, verbose_name=_("veiligheidsregio"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="overzichtslidmaatschappen",
        help_text=_("Alleen bij niveau veiligheidsregio."),
    )
    actief_van = models.DateField(_("actief van"), default=timezone.localdate)
    actief_tot = models.DateField(
        _("actief tot"), null=True, blank=True,
        help_text=_("De eerste dag waarop het overzicht niet meer geldt. Leeg: onbepaald."),
    )
    history = HistoricalRecords()

    objects = LidmaatschapQuerySet.as_manager()

    class Meta:
        verbose_name = _("overzichtsrol")
        verbose_name_plural = _("overzichtsrollen (boven de driehoek)")
        ordering = ["gebruiker__last_name", "niveau", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(actief_tot__isnull=True) | Q(actief_tot__gte=models.F("actief_van")),
                name="overzichtslidmaatschap_periode_oplopend",
            ),
            # Exactly the scope the niveau names: an eenheid, a veiligheidsregio, or neither for the country.
            models.CheckConstraint(
                condition=(
                    Q(niveau="eenheid", eenheid__isnull=False, veiligheidsregio__isnull=True)
                    | Q(niveau="veiligheidsregio", eenheid__isnull=True, veiligheidsregio__isnull=False)
                    | Q(niveau="landelijk", eenheid__isnull=True, veiligheidsregio__isnull=True)
                ),
                name="overzichtslidmaatschap_scope_past_bij_niveau",
            ),
        ]

    def __str__(self):
        return f"{self.gebruiker} – {self.scope_naam}"

    @property
    def scope_naam(self) -> str:
        if self.niveau == Overzichtsniveau.EENHEID and self.eenheid_id:
            return str(self.eenheid)
        if self.niveau == Overzichtsniveau.VEILIGHEIDSREGIO and self.veiligheidsregio_id:
            return str(self.veiligheidsregio)
        return str(Overzichtsniveau.LANDELIJK.label)

    def clean(self):
        errors = {}
        if self.actief_van and self.actief_tot and self.actief_tot < self.actief_van:
            errors["actief_tot"] = _("'Actief tot' ligt vóór 'actief van'.")
        if self.niveau == Overzichtsniveau.EENHEID and not self.eenheid_id:
            errors["eenheid"] = _("Kies de politie-eenheid van dit overzicht.")
        if self.niveau == Overzichtsniveau.VEILIGHEIDSREGIO and not self.veiligheidsregio_id:
            errors["veiligheidsregio"] = _("Kies de veiligheidsregio van dit overzicht.")
        if self.niveau != Overzichtsniveau.EENHEID and self.eenheid_id:
            errors["eenheid"] = _("Laat de politie-eenheid leeg: die hoort alleen bij niveau politie-eenheid.")
        if self.niveau != Overzichtsniveau.VEILIGHEIDSREGIO and self.veiligheidsregio_id:
            errors["veiligheidsregio"] = _(
                "Laat de veiligheidsregio leeg: die hoort alleen bij niveau veiligheidsregio.")
        if errors:
            raise ValidationError(errors)

    def is_active_on(self, day) -> bool:
        return self.actief_van <= day and (self.actief_tot is None or self.actief_tot > day)
