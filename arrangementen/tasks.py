"""Thin, idempotent tasks: e-mail the people a workflow step concerns."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from samenwerking.models import Lidmaatschap, Rol

from .models import Status, Statusovergang

RECIPIENT_ROLES = {
    Status.TER_REVIEW: [Rol.REVIEWER],
    Status.WIJZIGINGEN_GEVRAAGD: [Rol.COORDINATOR],
    Status.GOEDGEKEURD: [Rol.COORDINATOR, Rol.SECRETARIS],
    Status.VASTGESTELD: [Rol.COORDINATOR, Rol.ONDERTEKENAAR],
    Status.INGETROKKEN: [Rol.COORDINATOR, Rol.SECRETARIS],
}


def recipients(overgang: Statusovergang) -> list[str]:
    roles = RECIPIENT_ROLES.get(overgang.naar, [])
    members = (
        Lidmaatschap.objects.active().filter(driehoek=overgang.arrangement.driehoek, rol__in=roles)
        .exclude(gebruiker=overgang.door).exclude(gebruiker__email="")
        .values_list("gebruiker__email", flat=True)
    )
    emails = set(members)
    creator = overgang.arrangement.aangemaakt_door
    creator_is_member = Lidmaatschap.objects.active().filter(
        driehoek=overgang.arrangement.driehoek, gebruiker=creator).exists()
    # The drafter hears about the decision, but only while they still belong to the driehoek.
    if overgang.naar in (Status.WIJZIGINGEN_GEVRAAGD, Status.GOEDGEKEURD) and creator.email and creator_is_member:
        emails.add(creator.email)
    return sorted(emails)


@shared_task(acks_late=True, time_limit=60, soft_time_limit=50, autoretry_for=(ConnectionError, OSError),
             retry_backoff=True, max_retries=5)
def notify_transition(overgang_id: int) -> int:
    with transaction.atomic():
        overgang = (
            Statusovergang.objects.select_for_update(of=("self",))
            .select_related("arrangement", "arrangement__driehoek", "arrangement__aangemaakt_door", "door")
            .filter(pk=overgang_id).first()
        )
        if overgang is None or overgang.melding_verstuurd_op is not None:
            return 0  # gone, or already sent
        to = recipients(overgang)
        if to:
            arrangement = overgang.arrangement
            link = settings.SITE_URL.rstrip("/") + reverse("arrangementen:detail", args=[arrangement.pk])
            subject = _("%(titel)s: %(status)s") % {"titel": arrangement.titel,
                                                    "status": overgang.get_naar_display()}
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
            send_mail(subject, body, None, to)
        overgang.melding_verstuurd_op = timezone.now()
        overgang.save(update_fields=["melding_verstuurd_op"])
        return len(to)


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, time_limit=settings.PDF_TASK_TIME_LIMIT,
             soft_time_limit=settings.PDF_TASK_TIME_LIMIT - 30, max_retries=3)
def render_document(self, document_id: int) -> bool:
    """Render + certify one document. A worker killed mid-render redelivers the task (acks_late,
    reject_on_worker_lost); the work is idempotent, so exactly one document per version results."""
    from .documenten import TransientRenderError, render_and_certify

    try:
        return render_and_certify(document_id)
    except TransientRenderError as error:
        raise self.retry(exc=error, countdown=10 * (self.request.retries + 1)) from error
