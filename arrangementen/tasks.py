"""Thin, idempotent tasks: e-mail the people a workflow step concerns, render a document, signal an
arrangement's dates (signaleringen.py).

A notification never undoes or breaks its transition: the transition is committed before the mail is sent, a
failure of the mail backend is recorded on the Statusovergang and retried (by the worker with backoff, and by
the beat sweep `resend_notifications`), and the request that made the transition always sees it succeed.
"""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking import toegang
from samenwerking.berichten import subject_line

from . import documenten, geweldsadviezen, goedkeuring, levensloop, ondertekenmails, signaleringen, workflow
from .models import Status, Statusovergang

logger = logging.getLogger(__name__)

MAX_MELDING_POGINGEN = 5
# The sweep resends what failed, but never news older than this (a transition of last month is no news).
MELDING_GELDIG = datetime.timedelta(days=2)

# Who hears of a transition: the members who hold one of these permissions (samenwerking.toegang), i.e. the
# reviewers; the drafters; the drafters and whoever adopts; the drafters and the signatories.
RECIPIENT_PERMISSIONS = {
    Status.TER_REVIEW: {toegang.REVIEW},
    Status.WIJZIGINGEN_GEVRAAGD: {toegang.DRAFT},
    Status.GOEDGEKEURD: {toegang.DRAFT, toegang.ADOPT},
    Status.VASTGESTELD: {toegang.DRAFT, toegang.SIGN},
    Status.INGETROKKEN: {toegang.DRAFT, toegang.ADOPT},
}


def recipients(overgang: Statusovergang) -> list[str]:
    driehoek = overgang.arrangement.driehoek
    permissions = RECIPIENT_PERMISSIONS.get(overgang.naar)
    emails = set()
    if permissions:
        members = toegang.active_members(driehoek, permission=permissions)
        required = goedkeuring.required_partijen(overgang.arrangement) if overgang.naar == Status.TER_REVIEW else []
        if required:
            # Review per party: the reviewers of each party that must approve, not every reviewer of the driehoek.
            members = members.filter(goedkeuring.reviewer_filter(required))
        if overgang.naar == Status.TER_REVIEW and goedkeuring.privacy_required(overgang.arrangement):
            # Data is shared: the privacy advisers of the driehoek review it too, whatever their organisation.
            members = members | toegang.members_in_capacity(driehoek, capacity=toegang.PRIVACY_ADVICE)
        emails = set(members.exclude(pk=overgang.door_id).exclude(email="").values_list("email", flat=True))
    creator = overgang.arrangement.aangemaakt_door
    # The drafter hears about the decision, but only while they still belong to the driehoek.
    if (overgang.naar in (Status.WIJZIGINGEN_GEVRAAGD, Status.GOEDGEKEURD) and creator.email
            and toegang.active_members(driehoek).filter(pk=creator.pk).exists()):
        emails.add(creator.email)
    return sorted(emails)


def _compose(overgang: Statusovergang) -> tuple[str, str]:
    arrangement = overgang.arrangement
    link = settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])
    subject = subject_line(_("%(titel)s: %(status)s") % {"titel": arrangement.titel,
                                                      "status": overgang.get_naar_display()})
    body = _(
        "%(door)s heeft het arrangement '%(titel)s' (versie %(versie)s) van de %(driehoek)s "
        "op '%(status)s' gezet.\n\n%(toelichting)s\nBekijk het arrangement: %(link)s\n"
    ) % {
        "door": overgang.door, "titel": arrangement.titel, "versie": arrangement.versie,
        "driehoek": arrangement.driehoek, "status": overgang.get_naar_display(),
        "toelichting": (_("Toelichting: %(t)s\n") % {"t": overgang.toelichting})
        if overgang.toelichting else "",
        "link": link,
    }
    return subject, body


@shared_task(bind=True, acks_late=True, time_limit=60, soft_time_limit=50, max_retries=MAX_MELDING_POGINGEN)
def notify_transition(self, overgang_id: int) -> int:
    """Send the mail of one transition once; a failure is recorded on the row and retried with backoff."""
    failed = False
    with transaction.atomic():
        overgang = (
            Statusovergang.objects.select_for_update(of=("self",))
            .select_related("arrangement", "arrangement__driehoek", "arrangement__aangemaakt_door", "door")
            .filter(pk=overgang_id).first()
        )
        if overgang is None or overgang.melding_verstuurd_op is not None:
            return 0  # gone, or already sent
        if overgang.melding_pogingen >= MAX_MELDING_POGINGEN:
            return 0  # given up; the failure stays on the row
        to = recipients(overgang)
        if to:
            subject, body = _compose(overgang)
            try:
                send_mail(subject, body, None, to)
            except Exception as exc:  # any failure of the mail backend: record it, keep the transition
                failed = True
                overgang.melding_pogingen += 1
                overgang.melding_fout = f"{type(exc).__name__}: {exc}"[:500]
                overgang.save(update_fields=["melding_pogingen", "melding_fout"])
                logger.warning("Melding van statusovergang %s niet verzonden (poging %s): %s", overgang.pk,
                               overgang.melding_pogingen, overgang.melding_fout)
        if not failed:
            overgang.melding_verstuurd_op = timezone.now()
            overgang.melding_fout = ""
            overgang.save(update_fields=["melding_verstuurd_op", "melding_fout"])
    if failed:
        if not self.request.is_eager:
            raise self.retry(countdown=60 * 2 ** self.request.retries)
        return 0
    return len(to)


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def resend_notifications() -> int:
    """Beat: retry the notifications of recent transitions that were not sent (failed, or never queued)."""
    now = timezone.now()
    pending = list(Statusovergang.objects.filter(
        melding_verstuurd_op__isnull=True, melding_pogingen__lt=MAX_MELDING_POGINGEN,
        op__gte=now - MELDING_GELDIG, op__lte=now - datetime.timedelta(minutes=5),
    ).values_list("pk", flat=True)[:500])
    for pk in pending:
        workflow.dispatch_notification(pk)
    return len(pending)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=settings.PDF_TASK_TIME_LIMIT,
             soft_time_limit=settings.PDF_TASK_TIME_LIMIT - 30, max_retries=3)
def render_document(self, document_id: int) -> bool:
    """Render + certify one document. A worker killed mid-render redelivers the task (acks_late,
    reject_on_worker_lost); the work is idempotent, so exactly one document per version results."""
    try:
        return documenten.render_and_certify(document_id)
    except documenten.TransientRenderError as error:
        raise self.retry(exc=error, countdown=10 * (self.request.retries + 1)) from error


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=settings.PDF_TASK_TIME_LIMIT,
             soft_time_limit=settings.PDF_TASK_TIME_LIMIT - 30, max_retries=3)
def render_geweldsadvies(self, advies_id: int) -> bool:
    """Render + certify one geweldsmiddelen advice; idempotent like render_document."""
    try:
        return geweldsadviezen.render_and_sign(advies_id)
    except geweldsadviezen.TransientRenderError as error:
        raise self.retry(exc=error, countdown=10 * (self.request.retries + 1)) from error


# --- signals about an arrangement's dates: the planner claims, one task per claimed row sends -------------------

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def plan_signals(datum: str | None = None) -> int:
    """Beat: claim the signals due today and dispatch a send task for every unsent one (failures too)."""
    today = datetime.date.fromisoformat(datum) if datum else None
    ids = signaleringen.claim_signals(today=today)
    for signalering_id in ids:
        transaction.on_commit(lambda pk=signalering_id: send_signal.delay(pk, datum))
    return len(ids)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540,
             autoretry_for=TRANSIENT, retry_backoff=True, max_retries=5)
def daily_lifecycle(datum: str | None = None) -> int:
    """Daily beat: write each arrangement's change of levensfase into its history (the system as actor), then claim
    and dispatch the signals of its dates and life. Both steps are idempotent, so a double beat, a retry or a
    redelivery after a killed worker writes and sends nothing twice."""
    today = datetime.date.fromisoformat(datum) if datum else None
    levensloop.record_fase_changes(today=today)
    return plan_signals(datum)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def send_signal(signalering_id: int, datum: str | None = None) -> str:
    today = datetime.date.fromisoformat(datum) if datum else None
    return signaleringen.send_signal(signalering_id=signalering_id, today=today)


# --- signing: "uw beurt", reminders and "ondertekend" (ondertekenmails.py), sent as signals above ----------------

@shared_task(acks_late=True, time_limit=120, soft_time_limit=100, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def announce_signing(document_id: int) -> int:
    """After the PDF is ready and after each signature: claim the mails now due; each is sent once."""
    return ondertekenmails.announce(document_id=document_id)


@shared_task(acks_late=True, time_limit=300, soft_time_limit=240, autoretry_for=TRANSIENT, retry_backoff=True,
             max_retries=5)
def plan_signing_reminders() -> int:
    """Beat: claim the reminders due to signers whose partij has not signed, and send each once."""
    with transaction.atomic():
        ids = ondertekenmails.claim_reminders()
        for signalering_id in ids:
            transaction.on_commit(lambda pk=signalering_id: send_signal.delay(pk))
    return len(ids)
