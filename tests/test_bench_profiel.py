"""The bench's own arithmetic (issue 19): the per-page breakdown adds up, and a row without answers never passes."""

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from bench import profiel
from bench.doelen import judge

from .factories import ArrangementFactory


@pytest.fixture
def in_test_transaction():
    # As Django's test client does: the handler must not close the connection that holds the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_the_breakdown_of_a_page_adds_up_to_its_time_and_names_the_middleware(client, driehoek, leden,
                                                                              in_test_transaction):
    ArrangementFactory(driehoek=driehoek, titel="Uitgesplitst arrangement")
    client.force_login(leden["coordinator"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    result = profiel.profile_page({"naam": "lijst", "pad": "/arrangementen/"}, cookie, requests=5)

    assert result["verzoeken"] == 5
    assert sum(result["ms"].values()) == pytest.approx(result["totaal_ms"])
    assert sum(result["procent"].values()) == pytest.approx(100)
    assert result["ms"]["queries"] > 0
    assert result["ms"]["middleware"] == pytest.approx(sum(result["middleware_ms"].values()))
    # The session and the user are read from the database: their time counts where it belongs.
    assert result["middleware_ms"]["SessionMiddleware"] > 0
    assert result["middleware_ms"]["AuthenticationMiddleware"] > 0
    assert set(result["middleware_ms"]) == {path.rsplit(".", 1)[-1] for path in settings.MIDDLEWARE}


def test_a_page_that_answers_other_than_200_under_the_profiler_stops_the_run(db, in_test_transaction):
    with pytest.raises(SystemExit, match="302"):
        profiel.profile_page({"naam": "lijst", "pad": "/arrangementen/"}, None, requests=2)


def _row(pad, gebruikers, p95, requests, errors=0):
    return {"pad": pad, "gebruikers": gebruikers, "p95_ms": p95, "requests": requests, "errors": errors}


def test_a_row_without_answers_or_with_only_errors_is_not_met_and_says_why():
    rows = [_row("/kaal/", 10, 5.0, 1000), _row("/kaal/", 50, 20.0, 1000),
            _row("/beeld/", 10, 0.0, 0), _row("/beeld/", 50, 0.0, 9, errors=9),
            _row("/snel/", 10, 15.0, 100), _row("/traag/", 10, 25.0, 100), _row("/fout/", 50, 30.0, 100, errors=1)]

    judge(rows, bare_path="/kaal/", ratio_target=4.0)

    assert [(r["pad"], r["gehaald"], r.get("reden")) for r in rows[2:]] == [
        ("/beeld/", False, "geen enkel verzoek beantwoord"), ("/beeld/", False, "alleen fouten (9)"),
        ("/snel/", True, None), ("/traag/", False, None), ("/fout/", False, None)]
    assert rows[4]["p95_ratio"] == pytest.approx(3.0)


def test_the_queries_of_every_measured_request_are_counted(client, driehoek, leden, in_test_transaction):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ArrangementFactory(driehoek=driehoek, titel="Geteld arrangement")
    client.force_login(leden["coordinator"])
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    result = profiel.profile_page({"naam": "lijst", "pad": "/arrangementen/"}, cookie, requests=3)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/arrangementen/").status_code == 200

    counted = result["queries"]
    # The same page for the same user asks the same queries each time, as many as Django itself sees.
    assert counted["min"] == counted["max"] == counted["gemiddeld"] == len(captured) > 0
