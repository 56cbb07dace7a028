"""The kennisbank: praktijkvoorbeelden (good practice from across the country), shipped as reference content or
offered by a driehoek and published after a beheerder's review (issue 17)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .arrangement import Domein
from .bibliotheek import Modelafspraak, Onderwerp


class PraktijkStatus(models.TextChoices):
    AANGEBODEN = "aangeboden", _("aangeboden, wacht op beoordeling")
    GEPUBLICEERD = "gepubliceerd", _("gepubliceerd")
    AFGEWEZEN = "afgewezen", _("afgewezen")


class Praktijkvoorbeeld(models.Model):
    """What a place agreed and what worked. Shipped examples carry a `code` (the loader's key); an offered one
    keeps its source afspraak and driehoek, shown to others only when the driehoek agreed (`driehoek_tonen`)."""

    code = models.SlugField(_("code"), max_length=80, blank=True,
                            help_text=_("Alleen bij meegeleverde voorbeelden: de sleutel waarmee ze worden geladen."))
    titel = models.CharField(_("titel"), max_length=200)
    plaats = models.CharField(_("plaats of regio"), max_length=200)
    partijen = models.TextField(_("partijen"))
    afgesproken = models.TextField(_("wat is afgesproken"))
    wat_werkte = models.TextField(_("wat werkte"))
    bron = models.CharField(_("bron"), max_length=300)
    # Codes between commas (",I,II,"): one containment filter finds a domein on every database, SQLite included.
    domeinen = models.CharField(_("BOA-domeinen"), max_length=40, blank=True)
    onderwerpen = models.ManyToManyField(Onderwerp, verbose_name=_("onderwerpen"), blank=True,
                                         related_name="praktijkvoorbeelden")
    modelafspraken = models.ManyToManyField(Modelafspraak, verbose_name=_("modelafspraken"), blank=True,
                                            related_name="praktijkvoorbeelden")
    status = models.CharField(_("status"), max_length=20, choices=PraktijkStatus.choices,
                              default=PraktijkStatus.GEPUBLICEERD)
    bron_afspraak = models.ForeignKey("arrangementen.Afspraak", verbose_name=_("aangeboden afspraak"),
                                      on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    bron_driehoek = models.ForeignKey("samenwerking.Driehoek", verbose_name=_("aangeboden door driehoek"),
                                      on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    driehoek_tonen = models.BooleanField(_("driehoek mag worden genoemd"), default=False)
    aangeboden_door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aangeboden door"),
                                        on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    aangeboden_op = models.DateTimeField(_("aangeboden op"), null=True, blank=True)
    beoordeeld_door = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("beoordeeld door"),
                                        on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    beoordeeld_op = models.DateTimeField(_("beoordeeld op"), null=True, blank=True)
    reden_afwijzing = models.TextField(_("reden van afwijzing"), blank=True)
    history = HistoricalRecords(m2m_fields=[onderwerpen, modelafspraken])

    class Meta:
        verbose_name = _("praktijkvoorbeeld")
        verbose_name_plural = _("praktijkvoorbeelden")
        ordering = ["titel", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="praktijkvoorbeeld_code_uniek"),
        ]

    def __str__(self):
        return self.titel

    @property
    def domein_codes(self) -> list[str]:
        return [code for code in self.domeinen.split(",") if code]

    @property
    def domein_labels(self) -> list[str]:
        return [Domein(code).label for code in self.domein_codes if code in Domein.values]

    @staticmethod
    def encode_domeinen(codes) -> str:
        ordered = [code for code in Domein.values if code in set(codes)]
        return f",{','.join(ordered)}," if ordered else ""
