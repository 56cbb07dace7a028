"""Every read of evaluations, scoped through samenwerking.toegang like the rest of actiepunten."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from arrangementen import stroomregels
from arrangementen.evaluatiebesluit import in_force_refusal
from arrangementen.models import Arrangement, Niveau, Status
from samenwerking import toegang
from samenwerking.models import Driehoek

from ..models import Overleg
from ..selectors import ACTIEPUNT_RELATED, with_follow_up
from .models import Evaluatie

EVALUATIE_RELATED = ("arrangement", "overleg", "overleg__driehoek", "vastgelegd_door")


def visible_evaluaties(user) -> QuerySet:
    return Evaluatie.objects.filter(overleg__driehoek__in=toegang.visible_driehoeken(user))


def get_evaluatie(user, pk, *, permission: str | None = None) -> Evaluatie:
    # With its herziening (a reverse one-to-one): one join instead of a query on the detail page.
    evaluatie = (visible_evaluaties(user).select_related(*EVALUATIE_RELATED, "arrangement__volgende_versie")
                 .filter(pk=pk).first())
    return toegang.require(user, evaluatie, permission=permission, model=Evaluatie, pk=pk,
                           missing=_("Deze evaluatie bestaat niet of u heeft er geen toegang toe."))


def evaluaties_van(driehoek: Driehoek) -> QuerySet:
    return Evaluatie.objects.filter(overleg__driehoek=driehoek).select_related(*EVALUATIE_RELATED)


def evaluaties_van_arrangement(arrangement: Arrangement) -> list[Evaluatie]:
    return list(Evaluatie.objects.filter(arrangement=arrangement).select_related("overleg", "vastgelegd_door"))


def stromen_van(arrangement: Arrangement) -> list:
    """The data flows the evaluation form asks about, in the register's order."""
    return stroomregels.flows_of(arrangement)


def evaluatie_overleggen(driehoek: Driehoek) -> QuerySet:
    return Overleg.objects.filter(driehoek=driehoek, soort=Overleg.Soort.EVALUATIE).order_by("-datum", "-pk")


def arrangementen_in_werking(driehoek: Driehoek) -> list[Arrangement]:
    """The driehoek's arrangements that can be evaluated today (in force, not ended by opzegging or vervanging)."""
    today = timezone.localdate()
    candidates = (Arrangement.objects.in_force_on(today).filter(driehoek=driehoek)
                  .select_related("opzegging").order_by("titel", "versie"))
    return [a for a in candidates if not in_force_refusal(a, today)]


def grouped(afspraken) -> list[dict]:
    """Afspraken per niveau and onderwerp, as on the arrangement page."""
    groups = []
    for niveau in Niveau:
        onderwerpen: dict = {}
        for afspraak in afspraken:
            if afspraak.onderwerp.niveau == niveau:
                onderwerpen.setdefault(afspraak.onderwerp, []).append(afspraak)
        if onderwerpen:
            groups.append({"niveau": niveau, "onderwerpen": list(onderwerpen.items())})
    return groups


def afspraken_van(arrangement: Arrangement) -> list:
    return list(arrangement.afspraken.select_related("onderwerp").order_by(
        "onderwerp__volgorde", "volgorde", "pk"))


def _herziening(arrangement: Arrangement) -> Arrangement | None:
    """The next version, read with the evaluation by get_evaluatie (a query only when it was not)."""
    try:
        return arrangement.volgende_versie
    except Arrangement.DoesNotExist:
        return None


def evaluatie_detail(evaluatie: Evaluatie) -> dict:
    """The detail page, the PDF and the API in a fixed number of queries."""
    oordelen = list(evaluatie.oordelen.select_related("afspraak", "afspraak__onderwerp"))
    for oordeel in oordelen:
        oordeel.afspraak.beoordeling = oordeel
    afspraken = sorted((o.afspraak for o in oordelen),
                       key=lambda a: (a.onderwerp.volgorde, a.volgorde, a.pk))
    herziening = _herziening(evaluatie.arrangement)
    # Named by their own copy of the flow's description: no joins to the register.
    stroomoordelen = list(evaluatie.stroomoordelen.order_by("pk"))
    return {
        "groepen": grouped(afspraken),
        "oordelen": oordelen,
        "stroomoordelen": stroomoordelen,
        "niet_meer_nodig": [o for o in stroomoordelen if not o.nog_nodig],
        "actiepunten": list(with_follow_up(evaluatie.actiepunten.select_related(*ACTIEPUNT_RELATED))
                            .order_by("nummer")),
        "herziening": herziening,
        "herzienbaar": evaluatie.arrangement.status == Status.ONDERTEKEND and herziening is None,
    }
