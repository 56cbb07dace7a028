"""The data migration that moves an arrangement's reminders from actiepunten.Herinnering to
arrangementen.Signalering: what was sent stays sent, per recipient, and is not sent again."""

import datetime
import importlib

from django.apps import apps
from django.core import mail

from actiepunten.models import Herinnering
from arrangementen import signaleringen
from arrangementen.models import Signalering
from samenwerking.models import Rol

from ..factories import ArrangementFactory, GebruikerFactory, lid, vandaag

MIGRATION = importlib.import_module("actiepunten.migrations.0003_arrangement_herinneringen_naar_signaleringen")
DAY = datetime.timedelta(days=1)


def old_row(arrangement, periode, **fields) -> Herinnering:
    # The soorten left Herinnering's choices; the column still holds what the old code wrote.
    return Herinnering.objects.create(onderwerp_type="arrangement", onderwerp_id=arrangement.pk, soort="evaluatie",
                                      periode=periode, driehoek_id=arrangement.driehoek_id, **fields)


def test_a_sent_reminder_becomes_one_sent_signal_per_recipient_and_is_not_sent_again(driehoek):
    today = vandaag()
    secretaris, coordinator = GebruikerFactory(), GebruikerFactory()
    lid(secretaris, driehoek, Rol.SECRETARIS)
    lid(coordinator, driehoek, Rol.COORDINATOR)
    arrangement = ArrangementFactory(driehoek=driehoek, status="ondertekend", evaluatiedatum=today + 7 * DAY)
    periode = f"{(today + 7 * DAY).isoformat()}-7d"
    sent_at = datetime.datetime(2026, 1, 5, 9, tzinfo=datetime.UTC)
    old = old_row(arrangement, periode, status="verzonden", pogingen=1, verzonden_op=sent_at,
                  ontvangers=f"{coordinator.email}, {secretaris.email}")
    actiepunt_row = Herinnering.objects.create(onderwerp_type="actiepunt", onderwerp_id=1, soort="vandaag",
                                               periode=today.isoformat())

    MIGRATION.to_signaleringen(apps, None)

    moved = Signalering.objects.order_by("ontvanger_id")
    assert [(s.arrangement_id, s.soort, s.periode, s.ontvanger_id, s.status, s.pogingen, s.verzonden_op)
            for s in moved] == [
        (arrangement.pk, "evaluatie", periode, user.pk, "verzonden", 1, sent_at)
        for user in sorted([secretaris, coordinator], key=lambda u: u.pk)
    ]
    assert all(s.history.filter(history_type="+").count() == 1 for s in moved)
    assert list(Herinnering.objects.values_list("pk", flat=True)) == [actiepunt_row.pk]
    assert Herinnering.history.filter(id=old.pk, history_type="-").count() == 1

    for pk in signaleringen.claim_signals(today=today):
        signaleringen.send_signal(signalering_id=pk, today=today)
    assert mail.outbox == []
    assert Signalering.objects.count() == 2


def test_a_reminder_of_a_vanished_arrangement_or_without_recipients_is_dropped(driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek, status="ondertekend")
    old_row(arrangement, "2026-03-01-30d", status="te_verzenden")
    Herinnering.objects.create(onderwerp_type="arrangement", onderwerp_id=987654, soort="einde",
                               periode="2026-03-01-7d", status="verzonden", ontvangers="iemand@example.invalid")
    MIGRATION.to_signaleringen(apps, None)
    assert not Herinnering.objects.exists()
    assert not Signalering.objects.exists()


def test_moving_back_joins_the_recipients_into_one_reminder(driehoek):
    arrangement = ArrangementFactory(driehoek=driehoek, status="ondertekend")
    users = [GebruikerFactory(email="b@example.invalid"), GebruikerFactory(email="a@example.invalid")]
    for user in users:
        Signalering.objects.create(arrangement=arrangement, soort="einde", periode="2026-03-01-7d", ontvanger=user,
                                   status="verzonden")
    MIGRATION.to_herinneringen(apps, None)
    [row] = Herinnering.objects.all()
    assert (row.onderwerp_type, row.onderwerp_id, row.soort, row.periode, row.status, row.ontvangers) == (
        "arrangement", arrangement.pk, "einde", "2026-03-01-7d", "verzonden", "a@example.invalid, b@example.invalid")
    assert not Signalering.objects.exists()
