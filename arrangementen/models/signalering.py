"""Signaleringen: reminders and signals about an arrangement, each to each recipient exactly once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .arrangement import Arrangement


class Signalering(models.Model):
    """One signal about an arrangement to one person, sent once: a unique (arrangement, soort, periode, ontvanger),
    claimed before it is sent, so a double beat or a retried task sends nothing twice.

    `soort` says what happened or nears (evaluatie, einde geldigheid; later e.g. in werking, opzegging effectief,
    vervangen, evaluatie achterstallig) and `periode` which occurrence of it (a date and threshold): a new kind of
    signal is a new choice, not a new model.
    """

    class Soort(models.TextChoices):
        EVALUATIE = "evaluatie", _("evaluatie van een arrangement nadert")
        EINDE = "einde", _("einde geldigheid van een arrangement nadert")
        TEKENBEURT = "tekenbeurt", _("uw beurt om te ondertekenen")
        TEKENHERINNERING = "tekenherinnering", _("herinnering om te ondertekenen")
        HANDMATIGE_HERINNERING = "tekenherinnering_hand", _("herinnering om te ondertekenen, door de secretaris")
        ONDERTEKEND = "ondertekend", _("ondertekend door alle partijen")
        IN_WERKING = "in_werking", _("arrangement in werking getreden")
        EVALUATIE_ACHTERSTALLIG = "evaluatie_achterstallig", _("evaluatie van een arrangement achterstallig")
        OPGEZEGD = "opgezegd", _("arrangement opgezegd")
        OPZEGGING_INGEGAAN = "opzegging_ingegaan", _("opzegging van een arrangement ingegaan")
        VERVANGEN = "vervangen", _("arrangement vervangen door een nieuwe versie")
        GEWELDSMIDDELEN_EINDE = "geweldsmiddelen_einde", _("einde nadert van een arrangement met geweldsmiddelen")
        ADVIES_TEKENBEURT = "advies_tekenbeurt", _("uw beurt om een advies over geweldsmiddelen te ondertekenen")
        ADVIES_ONDERTEKEND = "advies_ondertekend", _("advies over geweldsmiddelen ondertekend door alle partijen")

    class Verzending(models.TextChoices):
        TE_VERZENDEN = "te_verzenden", _("te verzenden")
        VERZONDEN = "verzonden", _("verzonden")
        MISLUKT = "mislukt", _("mislukt, wordt opnieuw geprobeerd")
        OVERGESLAGEN = "overgeslagen", _("overgeslagen: niet meer nodig")

    arrangement = models.ForeignKey(Arrangement, verbose_name=_("arrangement"), on_delete=models.CASCADE,
                                    related_name="signaleringen")
    soort = models.CharField(_("soort"), max_length=30, choices=Soort.choices)
    periode = models.CharField(_("periode"), max_length=40)
    ontvanger = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("ontvanger"), on_delete=models.CASCADE,
                                  related_name="+")
    status = models.CharField(_("verzending"), max_length=20, choices=Verzending.choices,
                              default=Verzending.TE_VERZENDEN)
    pogingen = models.PositiveIntegerField(_("pogingen"), default=0)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("signalering")
        verbose_name_plural = _("signaleringen")
        ordering = ["-aangemaakt_op", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["arrangement", "soort", "periode", "ontvanger"],
                                    name="signalering_eenmaal_per_ontvanger"),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.get_soort_display()} – {self.arrangement_id} – {self.periode} – {self.ontvanger_id}"
