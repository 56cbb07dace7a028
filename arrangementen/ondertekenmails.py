"""Mail around signing, each to each recipient once: "uw beurt", reminders until signed, and "ondertekend".

Every mail is a Signalering row, unique per (arrangement, soort, periode, ontvanger), claimed before it is sent
(signaleringen.send_signal sends it under a row lock), so a task run twice or retried sends nothing twice. The
periode names the document and partij: `d<document>-p<partij>` for the turn, `-r<n>` for the n-th reminder
period, `-h<uur>` for a reminder by hand.
"""

import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import audit, taken, toegang
from samenwerking.berichten import subject_line
from samenwerking.historie import save_tracked as _save

from . import documenten
from .models import Document, Documentgebeurtenis, Partij, Signalering, Status

SEND_TASK = "arrangementen.tasks.send_signal"
SOORTEN = (Signalering.Soort.TEKENBEURT, Signalering.Soort.TEKENHERINNERING,
           Signalering.Soort.HANDMATIGE_HERINNERING, Signalering.Soort.ONDERTEKEND)
PERIODE = re.compile(r"^d(?P<document>\d+)(?:-p(?P<partij>\d+))?")
HAND_INTERVAL = datetime.timedelta(hours=1)


def _prefix(document: Document, partij: Partij) -> str:
    return f"d{document.pk}-p{partij.pk}"


def signers_for(document: Document, partij: Partij) -> list:
    """Who may sign for this partij now: a signatory of the driehoek whose signing options include it."""
    members = toegang.active_members(document.arrangement.driehoek, permission=toegang.SIGN).exclude(email="")
    return [user for user in members.order_by("pk")
            if any(o.partij.pk == partij.pk for o in documenten.signing_options(user, document))]


def parties_at_turn(document: Document) -> list[Partij]:
    """The unsigned partijen that may sign now: all of them in parallel, the first unsigned one otherwise."""
    signed = set(document.handtekeningen.values_list("partij_id", flat=True))
    waiting = [p for p in document.arrangement.partijen.select_related("organisatie").order_by("volgorde", "pk")
               if p.pk not in signed]
    return waiting if document.volgorde == Document.Volgorde.PARALLEL else waiting[:1]


def _claim(*, document: Document, soort: str, periode: str, ontvangers) -> list[int]:
    """One row per recipient for this key; a key already claimed for a recipient is left alone."""
    ids = []
    for ontvanger in ontvangers:
        try:
            with transaction.atomic():
                row = _save(Signalering(arrangement=document.arrangement, soort=soort, periode=periode,
                                        ontvanger=ontvanger), None)
        except (IntegrityError, ValidationError):  # claimed before (validation), or by a concurrent run (constraint)
            continue
        ids.append(row.pk)
    return ids


def _dispatch(ids: list[int]) -> None:
    for pk in ids:
        transaction.on_commit(lambda pk=pk: taken.start(name=SEND_TASK, args=(pk,)))


def announce(*, document_id: int) -> int:
    """Claim and send the turn mails due now, and the completion mail once all have signed."""
    with transaction.atomic():
        document = (Document.objects.select_for_update().select_related("arrangement__driehoek")
                    .filter(pk=document_id).first())
        if document is None or document.status != Document.Status.GEREED:
            return 0
        ids = []
        if document.arrangement.status == Status.VASTGESTELD:
            for partij in parties_at_turn(document):
                ids += _claim(document=document, soort=Signalering.Soort.TEKENBEURT, periode=_prefix(document, partij),
                              ontvangers=signers_for(document, partij))
        elif document.arrangement.status == Status.ONDERTEKEND:
            ids += _claim(document=document, soort=Signalering.Soort.ONDERTEKEND, periode=f"d{document.pk}",
                          ontvangers=completion_recipients(document))
        _dispatch(ids)
    return len(ids)


def completion_recipients(document: Document) -> list:
    """Who signed (and on whose behalf), every signatory of the driehoek, and its secretarissen."""
    people = {user.pk: user for user in toegang.active_members(
        document.arrangement.driehoek, permission={toegang.SIGN, toegang.ADOPT}).exclude(email="")}
    for handtekening in document.handtekeningen.select_related("ondertekenaar", "namens"):
        for user in (handtekening.ondertekenaar, handtekening.namens):
            if user is not None and user.email and user.is_active:
                people.setdefault(user.pk, user)
    return [people[pk] for pk in sorted(people)]


def claim_reminders(*, now: datetime.datetime | None = None) -> list[int]:
    """Beat: one reminder per ONDERTEKENING_HERINNERING_DAGEN since the turn mail, per partij still to sign and per
    signer; returns the claimed ids (the caller dispatches them)."""
    now = now or timezone.now()
    days = settings.ONDERTEKENING_HERINNERING_DAGEN
    ids = []
    documents = Document.objects.filter(status=Document.Status.GEREED,
                                        arrangement__status=Status.VASTGESTELD).select_related("arrangement__driehoek")
    for document in documents.order_by("pk"):
        for partij in parties_at_turn(document):
            started = (Signalering.objects.filter(arrangement=document.arrangement, soort=Signalering.Soort.TEKENBEURT,
                                                  periode=_prefix(document, partij), verzonden_op__isnull=False)
                       .order_by("verzonden_op").values_list("verzonden_op", flat=True).first())
            if started is None:
                continue
            period = (now - started).days // days
            if period >= 1:
                with transaction.atomic():
                    ids += _claim(document=document, soort=Signalering.Soort.TEKENHERINNERING,
                                  periode=f"{_prefix(document, partij)}-r{period}",
                                  ontvangers=signers_for(document, partij))
    return ids


def remind_by_hand(*, document: Document, partij: Partij, user, request=None) -> int:
    """The secretaris sends a reminder to a partij still to sign: at most once per hour per partij, recorded in
    the document's events and the audit log. Returns the number of recipients."""
    toegang.require(user, document.arrangement, permission=toegang.ADOPT,
                    refusal=_("Alleen de secretaris van de driehoek kan een herinnering sturen."))
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("arrangement__driehoek").get(pk=document.pk)
        if partij.pk not in {p.pk for p in parties_at_turn(document)}:
            raise ValidationError(_("%(partij)s hoeft nu niet te tekenen: al getekend, of nog niet aan de beurt.")
                                  % {"partij": partij.organisatie})
        now = timezone.now()
        if Signalering.objects.filter(arrangement=document.arrangement, soort=Signalering.Soort.HANDMATIGE_HERINNERING,
                                      periode__startswith=f"{_prefix(document, partij)}-h",
                                      aangemaakt_op__gt=now - HAND_INTERVAL).exists():
            raise ValidationError(_("Aan %(partij)s is het afgelopen uur al een herinnering gestuurd. Probeer het "
                                    "later opnieuw.") % {"partij": partij.organisatie})
        ontvangers = signers_for(document, partij)
        if not ontvangers:
            raise ValidationError(_("Er is niemand met een e-mailadres die voor %(partij)s kan tekenen.")
                                  % {"partij": partij.organisatie})
        ids = _claim(document=document, soort=Signalering.Soort.HANDMATIGE_HERINNERING,
                     periode=f"{_prefix(document, partij)}-h{now:%Y%m%d%H%M}", ontvangers=ontvangers)
        versie = documenten.latest_version(document)
        _save(Documentgebeurtenis(document=document, soort=Documentgebeurtenis.Soort.HERINNERING, door=user,
                                  documentversie=versie, sha256=versie.sha256), user)
        audit.record(audit.Gebeurtenis.ONDERTEKEND, request=request, gebruiker=user, obj=document,
                     details={"herinnering": str(partij.organisatie), "ontvangers": len(ids)})
        _dispatch(ids)
    return len(ids)


def sent_per_partij(document: Document) -> dict[int, dict]:
    """Per partij: when its turn mail and its last reminder went out (for the secretaris)."""
    result: dict[int, dict] = {}
    rows = Signalering.objects.filter(arrangement_id=document.arrangement_id, soort__in=SOORTEN[:3],
                                      periode__startswith=f"d{document.pk}-", verzonden_op__isnull=False)
    for soort, periode, op in rows.values_list("soort", "periode", "verzonden_op"):
        match = PERIODE.match(periode)
        if not match or not match["partij"]:
            continue
        entry = result.setdefault(int(match["partij"]), {"beurt": None, "herinnering": None})
        key = "beurt" if soort == Signalering.Soort.TEKENBEURT else "herinnering"
        entry[key] = max(filter(None, (entry[key], op)))
    return result


def compose(signalering: Signalering) -> EmailMessage | None:
    """The Dutch mail of one signing signal, or None when it is no longer needed (signed, withdrawn, or the
    recipient can no longer sign for that partij)."""
    match = PERIODE.match(signalering.periode)
    document = Document.objects.filter(pk=match["document"] if match else None,
                                       arrangement_id=signalering.arrangement_id).first()
    if document is None:
        return None
    arrangement = document.arrangement
    site = settings.SITE_URL.rstrip("/")
    context = {"titel": arrangement.titel, "versie": arrangement.versie, "driehoek": arrangement.driehoek.naam,
               "referentie": document.referentie}
    if signalering.soort == Signalering.Soort.ONDERTEKEND:
        if arrangement.status != Status.ONDERTEKEND:
            return None
        context["link"] = site + reverse("arrangementen:document_download", args=[arrangement.pk])
        subject = _("'%(titel)s' is door alle partijen ondertekend") % context
        body = [_("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s is door alle partijen "
                  "ondertekend.") % context,
                _("Download de ondertekende PDF (na inloggen): %(link)s") % context]
    else:
        partij = Partij.objects.select_related("organisatie").filter(pk=match["partij"]).first()
        if (partij is None or arrangement.status != Status.VASTGESTELD
                or partij.pk not in {p.pk for p in parties_at_turn(document)}
                or signalering.ontvanger_id not in {u.pk for u in signers_for(document, partij)}):
            return None
        context.update(partij=partij.organisatie,
                       link=site + reverse("arrangementen:document_ondertekenen", args=[arrangement.pk]))
        if signalering.soort == Signalering.Soort.TEKENBEURT:
            subject = _("U kunt '%(titel)s' ondertekenen") % context
            opening = _("Het is de beurt van %(partij)s om het arrangement '%(titel)s' (versie %(versie)s) van de "
                        "%(driehoek)s te ondertekenen.") % context
        else:
            subject = _("Herinnering: '%(titel)s' wacht op uw handtekening") % context
            opening = _("Het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s wacht nog op de "
                        "handtekening van %(partij)s.") % context
        body = [opening, _("Onderteken het document %(referentie)s: %(link)s") % context]
    ontvanger = signalering.ontvanger
    body.insert(0, _("Beste %(naam)s,") % {"naam": ontvanger.get_full_name() or ontvanger.get_username()})
    return EmailMessage(subject=subject_line(subject), body="\n\n".join(body), to=[ontvanger.email])


def completed_on(document: Document | None) -> datetime.datetime | None:
    """When the last partij signed, once every partij has; else None."""
    if document is None or document.arrangement.status != Status.ONDERTEKEND:
        return None
    last = document.handtekeningen.order_by("-getekend_op").values_list("getekend_op", flat=True).first()
    return last

