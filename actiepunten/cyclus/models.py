"""The follow-up of actiepunten and the meeting cycle: progress notes, co-owners, actiepunten carried into the next
overleg's agenda, and the sending of a finalised verslag."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Voortgang(models.Model):
    """A progress note on an actiepunt: what happened on which day, by whom."""

    actiepunt = models.ForeignKey("actiepunten.Actiepunt", verbose_name=_("actiepunt"), on_delete=models.CASCADE,
                                  related_name="voortgang")
    datum = models.DateField(_("datum"), default=timezone.localdate)
    tekst = models.TextField(_("voortgang"))
    auteur = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("voortgang")
        verbose_name_plural = _("voortgang")
        ordering = ["-datum", "-aangemaakt_op", "-pk"]

    def __str__(self):
        return f"{self.datum:%d-%m-%Y}: {self.tekst[:80]}"


class Medeeigenaar(models.Model):
    """Who works on an actiepunt besides its eigenaar: a member, or a name for someone outside the driehoek."""

    actiepunt = models.ForeignKey("actiepunten.Actiepunt", verbose_name=_("actiepunt"), on_delete=models.CASCADE,
                                  related_name="medeeigenaren")
    gebruiker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="+")
    naam = models.CharField(_("naam"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mede-eigenaar")
        verbose_name_plural = _("mede-eigenaren")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(gebruiker__isnull=False) | ~Q(naam=""),
                                   name="medeeigenaar_gebruiker_of_naam"),
            models.UniqueConstraint(fields=["actiepunt", "gebruiker"], condition=Q(gebruiker__isnull=False),
                                    name="medeeigenaar_eenmaal"),
        ]

    def __str__(self):
        return str(self.gebruiker) if self.gebruiker_id else self.naam


class Meegenomen(models.Model):
    """An open actiepunt carried into the agenda of the next overleg (its 'Actiepuntenlijst' agendapunt)."""

    agendapunt = models.ForeignKey("actiepunten.Agendapunt", verbose_name=_("agendapunt"),
                                   on_delete=models.CASCADE, related_name="meegenomen")
    actiepunt = models.ForeignKey("actiepunten.Actiepunt", verbose_name=_("actiepunt"), on_delete=models.CASCADE,
                                  related_name="meegenomen")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meegenomen actiepunt")
        verbose_name_plural = _("meegenomen actiepunten")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["agendapunt", "actiepunt"], name="meegenomen_eenmaal")]

    def __str__(self):
        return f"{self.agendapunt} – {self.actiepunt}"


class Verslagverzending(models.Model):
    """One click on 'versturen': who asked when, to whom it went, and whether the mail backend took it."""

    class Status(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("wordt verzonden")
        VERZONDEN = "verzonden", _("verzonden")
        MISLUKT = "mislukt", _("mislukt")

    overleg = models.ForeignKey("actiepunten.Overleg", verbose_name=_("overleg"), on_delete=models.CASCADE,
                                related_name="verzendingen")
    verzonden_door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verzonden door"),
                                       on_delete=models.SET_NULL, null=True, related_name="+")
    aangevraagd_op = models.DateTimeField(_("aangevraagd op"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.TE_VERZENDEN)
    ontvangers = models.TextField(_("ontvangers"), blank=True)
    niet_ontvangen = models.TextField(_("niet ontvangen"), blank=True,
                                      help_text=_("Per regel wie het verslag niet per e-mail kreeg, en waarom."))
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verzending van het verslag")
        verbose_name_plural = _("verzendingen van het verslag")
        ordering = ["-aangevraagd_op", "-pk"]

    def __str__(self):
        return f"{self.overleg} – {self.aangevraagd_op:%d-%m-%Y %H:%M}"
