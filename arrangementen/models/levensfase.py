"""The lifecycle state of a signed arrangement on a peildatum, as one SQL expression.

This is the one place the rules live; arrangementen.levensloop exposes them (with the words for pages) and
ArrangementQuerySet.met_levensfase / in_force_on use them. It sits among the models because the queryset needs it
and arrangementen.levensloop imports the models.

The order of the conditions is the rule:
1. only an ondertekend arrangement has a fase (others: None);
2. vervangen from vervangen_per (the signed herziening's start), beëindigd from the opzegging's ingangsdatum;
3. nog niet in werking before geldig_van and before the day it was signed, so a version signed late does not
   overlap its predecessor (which stays in force until that day, its vervangen_per);
4. verlopen after geldig_tot; opgezegd (still in force) once the notice was given;
5. evaluatie achterstallig after coalesce(volgende_evaluatie, evaluatiedatum); verloopt binnenkort when geldig_tot
   is at most VERLOOPT_BINNENKORT_DAGEN away; otherwise in werking.
"""

import datetime

from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

VERLOOPT_BINNENKORT_DAGEN = 90


class Levensfase(models.TextChoices):
    NOG_NIET_IN_WERKING = "nog_niet_in_werking", _("nog niet in werking")
    IN_WERKING = "in_werking", _("in werking")
    EVALUATIE_ACHTERSTALLIG = "evaluatie_achterstallig", _("evaluatie achterstallig")
    VERLOOPT_BINNENKORT = "verloopt_binnenkort", _("verloopt binnenkort")
    VERLOPEN = "verlopen", _("verlopen")
    OPGEZEGD = "opgezegd", _("opgezegd, nog in werking")
    BEEINDIGD = "beeindigd", _("beëindigd door opzegging")
    VERVANGEN = "vervangen", _("vervangen door een nieuwe versie")


# In force: the arrangement's afspraken apply on the peildatum.
IN_WERKING_FASEN = (Levensfase.IN_WERKING, Levensfase.EVALUATIE_ACHTERSTALLIG, Levensfase.VERLOOPT_BINNENKORT,
                    Levensfase.OPGEZEGD)


def evaluation_date_expression():
    """The evaluation that counts: the next one set by a recorded evaluation, else the planned evaluatiedatum."""
    return Coalesce(F("volgende_evaluatie"), F("evaluatiedatum"))


def levensfase_expression(peildatum: datetime.date):
    """Case/When giving the Levensfase value on `peildatum`; needs the alias `levensloop_evaluatie`."""
    binnenkort = peildatum + datetime.timedelta(days=VERLOOPT_BINNENKORT_DAGEN)
    return Case(
        When(~Q(status="ondertekend"), then=Value(None)),
        When(vervangen_per__lte=peildatum, then=Value(Levensfase.VERVANGEN.value)),
        When(opzegging__ingangsdatum__lte=peildatum, then=Value(Levensfase.BEEINDIGD.value)),
        When(Q(geldig_van__isnull=True) | Q(geldig_van__gt=peildatum) | Q(ondertekend_op__date__gt=peildatum),
             then=Value(Levensfase.NOG_NIET_IN_WERKING.value)),
        When(geldig_tot__lt=peildatum, then=Value(Levensfase.VERLOPEN.value)),
        When(opzegging__gedaan_op__date__lte=peildatum, then=Value(Levensfase.OPGEZEGD.value)),
        When(levensloop_evaluatie__lt=peildatum, then=Value(Levensfase.EVALUATIE_ACHTERSTALLIG.value)),
        When(geldig_tot__lte=binnenkort, then=Value(Levensfase.VERLOOPT_BINNENKORT.value)),
        default=Value(Levensfase.IN_WERKING.value),
        output_field=models.CharField(max_length=30, null=True),
    )
