"""Who: users, their roles and their memberships of a driehoek."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .driehoek import Driehoek
from .gebied import Organisatie


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
    # The FG or privacy officer of a party: approves an arrangement that shares data (issue 15).
    PRIVACYADVISEUR = "privacyadviseur", _("privacyadviseur")
    LEZER = "lezer", _("lezer")


# The roles that make sense without arrangements: a werkgroep only holds overleggen and actiepunten.
WERKGROEP_ROLLEN = frozenset({Rol.SECRETARIS, Rol.COORDINATOR, Rol.LEZER})


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
        if self.driehoek_id and self.rol and self.rol not in WERKGROEP_ROLLEN and self.driehoek.is_werkgroep:
            raise ValidationError({"rol": _(
                "Een werkgroep heeft geen arrangementen: kies secretaris, BOA-coördinator of lezer."
            )})

    def is_active_on(self, day) -> bool:
        return self.actief_van <= day and (self.actief_tot is None or self.actief_tot > day)
