"""Following an actiepunt up: progress notes, co-owners, and the one e-mail to a newly assigned eigenaar."""

import datetime
import hashlib

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import taken, toegang
from samenwerking.historie import save_tracked as _save

from ..models import Actiepunt, Herinnering
from .models import Medeeigenaar, Voortgang

MAX_MEDEEIGENAREN = 20
SEND_TASK = "actiepunten.tasks.send_reminder"


def may_report_progress(user, actiepunt: Actiepunt, permissions: set[str]) -> bool:
    """Who manages the driehoek's actiepunten, the eigenaar and every co-owner who is a member."""
    if toegang.MANAGE_ACTIEPUNTEN in permissions or actiepunt.eigenaar_id == user.pk:
        return True
    return any(m.gebruiker_id == user.pk for m in actiepunt.medeeigenaren.all())


@transaction.atomic
def add_voortgang(*, actiepunt: Actiepunt, user, tekst: str, datum: datetime.date | None = None) -> Voortgang:
    locked = Actiepunt.objects.select_for_update(of=("self",)).select_related("driehoek").get(pk=actiepunt.pk)
    permissions = toegang.permissions_on(user, locked.driehoek)
    if not may_report_progress(user, locked, permissions):
        toegang.require(user, locked, permission=toegang.MANAGE_ACTIEPUNTEN, held=permissions,
                        refusal=_("Alleen de eigenaren en wie de actiepunten beheert, melden voortgang."))
    tekst = (tekst or "").strip()
    datum = datum or timezone.localdate()
    if not tekst:
        raise ValidationError({"tekst": _("Schrijf wat er is gebeurd.")})
    if datum > timezone.localdate():
        raise ValidationError({"datum": _("Voortgang ligt niet in de toekomst: kies vandaag of eerder.")})
    return _save(Voortgang(actiepunt=locked, tekst=tekst, datum=datum, auteur=user), user)


def set_medeeigenaren(*, actiepunt: Actiepunt, user, gebruikers, namen: list[str]) -> None:
    """Replace the co-owners (called inside the actiepunt's own write): members, and names of others."""
    members = set(toegang.active_members(actiepunt.driehoek).values_list("pk", flat=True))
    gebruikers = [g for g in dict.fromkeys(gebruikers) if g.pk != actiepunt.eigenaar_id]
    strangers = [str(g) for g in gebruikers if g.pk not in members]
    if strangers:
        raise ValidationError({"medeeigenaren": _("Geen lid van deze driehoek: %(namen)s.")
                               % {"namen": ", ".join(strangers)}})
    namen = list(dict.fromkeys(n.strip()[:200] for n in namen if n.strip()))
    if len(gebruikers) + len(namen) > MAX_MEDEEIGENAREN:
        raise ValidationError({"medeeigenaren_extern": _("Hoogstens %(max)s mede-eigenaren.")
                               % {"max": MAX_MEDEEIGENAREN}})
    for oud in actiepunt.medeeigenaren.all():
        oud._history_user = user
        oud.delete()
    for gebruiker in gebruikers:
        _save(Medeeigenaar(actiepunt=actiepunt, gebruiker=gebruiker), user)
    for naam in namen:
        _save(Medeeigenaar(actiepunt=actiepunt, naam=naam), user)


def toewijzing_periode(actiepunt: Actiepunt) -> str:
    """Which assignment a toewijzingsmail is about: the eigenaar (a user, or an external address)."""
    if actiepunt.eigenaar_id:
        return f"gebruiker-{actiepunt.eigenaar_id}"
    return "extern-" + hashlib.sha256(actiepunt.extern_email.strip().lower().encode()).hexdigest()[:32]


def claim_toewijzing(*, actiepunt: Actiepunt, user) -> bool:
    """Claim the one toewijzingsmail for this eigenaar of this actiepunt and send it after commit.

    The unique (actiepunt, soort, periode) row is the marker: saving twice, or assigning the same person again
    later, finds the row and sends nothing. Whoever assigns a point to themselves gets no mail.
    """
    if not actiepunt.eigenaar_email or (actiepunt.eigenaar_id and actiepunt.eigenaar_id == user.pk):
        return False
    key = {"onderwerp_type": Herinnering.OnderwerpType.TOEWIJZING, "onderwerp_id": actiepunt.pk,
           "soort": Herinnering.Soort.TOEGEWEZEN, "periode": toewijzing_periode(actiepunt)}
    if Herinnering.objects.filter(**key).exists():
        return False
    try:
        with transaction.atomic():
            herinnering = _save(Herinnering(driehoek_id=actiepunt.driehoek_id, **key), user)
    except (IntegrityError, ValidationError):  # a concurrent save claimed it first
        return False
    transaction.on_commit(lambda: taken.start(name=SEND_TASK, args=(herinnering.pk,)))
    return True
