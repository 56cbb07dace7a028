"""Reminders, in-process: which mail goes out when, and that each (onderwerp, soort, periode) goes out once."""

import datetime
import inspect

from django.conf import settings
from django.core import mail

from actiepunten import services, tasks
from actiepunten.models import Herinnering
from samenwerking.models import Rol

from ..factories import GebruikerFactory, lid, vandaag

DAY = datetime.timedelta(days=1)


def actiepunt_mails():
    """The mails about actiepunten (the secretaris of the test driehoek also gets a weekoverzicht)."""
    return [m for m in mail.outbox if m.subject.startswith("Actiepunt")]


def run(today):
    """One beat run: claim, then send every pending reminder (as the send tasks would)."""
    for pk in services.claim_reminders(today=today):
        services.send_reminder(herinnering_id=pk, today=today)


def test_beat_runs_the_planner_and_its_arguments_fit():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["actiepunten-herinneringen"]
    app.loader.import_default_modules()
    task = app.tasks[entry["task"]]
    assert task is tasks.plan_reminders.__wrapped__ or task.name == "actiepunten.tasks.plan_reminders"
    inspect.signature(task.run).bind(*entry.get("args", ()), **entry.get("kwargs", {}))
    assert task.acks_late and task.time_limit and task.soft_time_limit
    assert tasks.send_reminder.acks_late and tasks.send_reminder.time_limit
    assert tasks.send_reminders.acks_late and tasks.send_reminders.time_limit


def test_due_in_seven_days_sends_one_dutch_mail_with_a_link(maak_punt, lezer):
    today = vandaag()
    punt = maak_punt(eigenaar=lezer, datum_gereed=today + 7 * DAY, onderwerp="Notitie rondsturen")
    run(today)
    assert len(actiepunt_mails()) == 1
    message = actiepunt_mails()[0]
    assert message.to == [lezer.email]
    assert "Actiepunt 1 is op" in message.subject
    assert "Notitie rondsturen" in message.body
    assert f"/actiepunten/punt/{punt.pk}/" in message.body
    run(today)
    assert len(actiepunt_mails()) == 1, "a second run the same day sends nothing"


def test_on_the_day_and_weekly_while_overdue(maak_punt):
    today = vandaag()
    due = today + 7 * DAY
    maak_punt(datum_gereed=due)
    for offset in range(0, 30):
        run(today + offset * DAY)
    subjects = [m.subject for m in actiepunt_mails()]
    assert subjects == ["Actiepunt 1 is op " + services.berichten._datum(due) + " gereed",
                        "Actiepunt 1 is vandaag gereed", "Actiepunt 1 is verlopen", "Actiepunt 1 is verlopen",
                        "Actiepunt 1 is verlopen"]


def test_completed_and_vervallen_actiepunten_get_no_reminders(maak_punt, secretaris):
    today = vandaag()
    gereed, weg = maak_punt(datum_gereed=today + 7 * DAY), maak_punt(datum_gereed=today - 14 * DAY)
    services.change_status(actiepunt=gereed, user=secretaris, action="gereed_melden")
    services.change_status(actiepunt=weg, user=secretaris, action="laten_vervallen", toelichting="Weg")
    run(today)
    assert mail.outbox == []


def test_a_reminder_claimed_before_completion_is_skipped_not_sent(maak_punt, secretaris):
    today = vandaag()
    punt = maak_punt(datum_gereed=today)
    ids = list(Herinnering.objects.filter(pk__in=services.claim_reminders(today=today), onderwerp_type="actiepunt")
               .values_list("pk", flat=True))
    services.change_status(actiepunt=punt, user=secretaris, action="gereed_melden")
    assert [services.send_reminder(herinnering_id=pk, today=today) for pk in ids] == ["overgeslagen"]
    assert actiepunt_mails() == []


def test_a_failed_send_is_recorded_and_sent_once_by_a_later_run(maak_punt, settings):
    today = vandaag()
    maak_punt(datum_gereed=today)
    settings.EMAIL_BACKEND = "tests.actiepunten.mailbackend.FailingBackend"
    run(today)
    herinnering = Herinnering.objects.get(onderwerp_type="actiepunt")
    assert (herinnering.status, herinnering.pogingen) == ("mislukt", 1)
    assert "SMTPServerDisconnected" in herinnering.laatste_fout
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(today)
    run(today)
    assert len(actiepunt_mails()) == 1
    assert Herinnering.objects.get(onderwerp_type="actiepunt").status == "verzonden"


def test_secretaris_gets_a_weekly_digest_and_may_opt_out(maak_punt, secretaris):
    # Seven daily runs of one ISO week (Monday to Sunday): one digest, whatever weekday the test runs on.
    today = vandaag() + (7 - vandaag().weekday()) * DAY
    maak_punt(datum_gereed=today - 3 * DAY, onderwerp="Te laat")
    for offset in range(7):
        run(today + offset * DAY)
    digests = [m for m in mail.outbox if m.subject == "Weekoverzicht actiepunten"]
    assert len(digests) == 1 and digests[0].to == [secretaris.email]
    assert "Te laat" in digests[0].body
    services.set_weekoverzicht(user=secretaris, ontvangen=False)
    mail.outbox.clear()
    run(today + 7 * DAY)
    assert not [m for m in mail.outbox if m.subject == "Weekoverzicht actiepunten"]


def test_opting_out_of_digests_does_not_stop_own_due_dates(maak_punt, secretaris):
    services.set_weekoverzicht(user=secretaris, ontvangen=False)
    maak_punt(eigenaar=secretaris, datum_gereed=vandaag())
    run(vandaag())
    assert [m.subject for m in mail.outbox] == ["Actiepunt 1 is vandaag gereed"]


def test_an_external_owner_without_email_is_not_claimed(maak_punt):
    maak_punt(datum_gereed=vandaag(), extern_naam="Zonder adres")
    services.claim_reminders(today=vandaag())
    assert not Herinnering.objects.filter(onderwerp_type="actiepunt").exists()


def test_an_owner_whose_membership_ended_still_gets_the_mail_but_no_secretaris_digest(driehoek, maak_punt):
    user = GebruikerFactory()
    lid(user, driehoek, Rol.LEZER)
    maak_punt(eigenaar=user, datum_gereed=vandaag())
    run(vandaag())
    assert [m.to for m in mail.outbox if "vandaag" in m.subject] == [[user.email]]
