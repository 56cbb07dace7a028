"""Schemathesis against /api/v1/: every operation of the published OpenAPI schema, fuzzed as a member.

The schema is loaded from the app itself (`/api/v1/schema/`), requests go in-process to the WSGI application,
authenticated with an API token of a coordinator and secretaris of a driehoek with data in it. Half of the ids
in paths and bodies are those of real objects, so requests reach the views' validation and services, not only
the 404. Every response must be no 5xx and conform to the schema (status code, content type, body, headers);
with invalid input (schemathesis' negative mode) the answer must be a 4xx whose messages are Dutch.

The WSGI application runs in this thread on the test's database connection, inside the test transaction;
Django's test client does the same and, like it, we keep Django from closing that connection per request.
"""

import json
import os
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from actiepunten import services as actiepunt_services
from actiepunten.evaluaties import services as evaluatie_services
from actiepunten.models import Overleg
from arrangementen import gegevensstromen
from arrangementen import services as arrangement_services
from arrangementen.api.stroomserializers import GegevensstroomInvoerSerializer
from arrangementen.bibliotheek import load_library
from arrangementen.models import Arrangement, Grondslag
from config.wsgi import application
from samenwerking import api_tokens, overzichtsrollen
from samenwerking.models import Organisatie, Overzichtsniveau, Rol

from ..actiepunten.evaluatiewereld import evaluatie_overleg, ondertekend_arrangement, oordelen_voor
from ..factories import DriehoekFactory, GebruikerFactory, OrganisatieFactory, lid, vandaag
from .profiel import FUZZ

SCHEMA_PATH = "/api/v1/schema/"
# Examples per operation and mode (29 operations × 2 modes at the time of writing).
API_VOORBEELDEN = int(os.environ.get("FUZZ_API_VOORBEELDEN", "50"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# DRF's own English messages, as they would leak through an untranslated path; quoted input is left out.
ENGELS = re.compile(r"\b(this field|required|not found|invalid|ensure|must|expected|valid|may not|not a|"
                    r"unsupported|authentication|credentials|permission|method|page|parse|error)\b", re.I)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”")


def _operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation, read at collection time from the same generator the view uses."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return [(method.upper(), path) for path, methods in sorted(paths.items()) for method in methods]


OPERATIONS = _operations()
_schema_cache: dict = {}


@pytest.fixture
def in_process_app():
    """The WSGI app on the test's connection: no close_old_connections per request (as Django's test client)."""
    errors: list[str] = []

    def remember(sender, request=None, **kwargs):
        import traceback

        errors.append(traceback.format_exc())

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    signals.got_request_exception.connect(remember)
    application.errors = errors
    try:
        yield application
    finally:
        signals.got_request_exception.disconnect(remember)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(in_process_app):
    if "schema" not in _schema_cache:
        _schema_cache["schema"] = schemathesis.openapi.from_wsgi(SCHEMA_PATH, in_process_app)
    return _schema_cache["schema"]


@pytest.fixture
def wereld(db):
    """A driehoek with a concept arrangement from the standard model, an overleg and an actiepunt; the member
    holds the coordinator and secretaris roles (every write the API has) and a landelijk overview; another
    driehoek stays invisible."""
    load_library()
    driehoek = DriehoekFactory()
    OrganisatieFactory(naam="Gemeente Fuzz", soort=Organisatie.Soort.GEMEENTE, gemeente=driehoek.gemeenten.first())
    user = GebruikerFactory(username="fuzzer")
    lid(user, driehoek, Rol.COORDINATOR)
    lid(user, driehoek, Rol.SECRETARIS)
    # The aggregate picture (/api/v1/beeld/, issue 16) answers only a user with an overview role.
    overzichtsrollen.grant_overview(gebruiker=user, niveau=Overzichtsniveau.LANDELIJK)
    arrangement = arrangement_services.create_arrangement(driehoek=driehoek, user=user, titel="Fuzzarrangement")
    verstrekker, ontvanger = (p.organisatie for p in arrangement.partijen.order_by("volgorde")[:2])
    stroom = gegevensstromen.add_gegevensstroom(
        arrangement=arrangement, user=user, expected_version=arrangement.lock_version,
        gegevens=gegevensstromen.Stroomgegevens(verstrekker=verstrekker, ontvangers=[ontvanger], categorieen="Fuzz",
                                                doel="Fuzz", grondslag=Grondslag.objects.get(code="wpg-16")))
    overleg = actiepunt_services.create_overleg(driehoek=driehoek, user=user, data={
        "soort": Overleg.Soort.WERKGROEP, "titel": "Werkgroep", "datum": vandaag(), "secretaris": user})
    actiepunt = actiepunt_services.create_actiepunt(driehoek=driehoek, user=user, overleg=overleg, data={
        "onderwerp": "Fuzzactie", "eigenaar": user, "datum_gereed": vandaag()})
    in_werking = ondertekend_arrangement(driehoek, user, titel="Fuzz in werking")
    evaluatie = evaluatie_services.record_evaluatie(
        arrangement=in_werking, overleg=evaluatie_overleg(driehoek, user), user=user, conclusie="voortzetten",
        oordelen=oordelen_voor(in_werking))
    andere = DriehoekFactory()
    lid(GebruikerFactory(), andere, Rol.COORDINATOR)
    return {
        "token": api_tokens.create_token(gebruiker=user, door=user, naam="Fuzz")[1],
        "ids": {"driehoeken": driehoek.pk, "arrangementen": arrangement.pk, "overleggen": overleg.pk,
                "actiepunten": actiepunt.pk, "evaluaties": evaluatie.pk},
        "body_ids": {"driehoek": driehoek.pk, "overleg": overleg.pk, "arrangement": arrangement.pk,
                     "eigenaar": user.pk, "voorzitter": user.pk, "secretaris": user.pk},
        # The register of data flows (its paths only): a real flow, parties, a ground and an afspraak.
        "stroom_pk": stroom.pk,
        "stroom_ids": {"verstrekker": verstrekker.pk, "ontvangers": [ontvanger.pk], "grondslag": "wpg-16",
                       "afspraak": arrangement.afspraken.first().pk},
    }


def _strategy(operation, mode: GenerationMode, wereld: dict):
    """Generated cases; in about half of them the path id and the ids in the body are real objects."""
    resource = operation.path.split("/")[3]
    generated = operation.as_strategy(generation_mode=mode)
    flows = "/gegevensstromen/" in operation.path
    if "{id}" in operation.path:
        real_path = {"id": wereld["ids"][resource]} | ({"stroom_pk": wereld["stroom_pk"]} if flows else {})
        real = operation.as_strategy(generation_mode=mode, path_parameters=real_path)
        generated = st.one_of(real, generated)

    def with_real_ids(case, use):
        if use and mode is GenerationMode.POSITIVE and isinstance(case.body, dict):
            for name, pk in wereld["body_ids"].items():
                if name in case.body:
                    case.body[name] = pk
        if use and mode is GenerationMode.POSITIVE and flows:
            _valid_flow_write(case, wereld)
        return case

    if mode is GenerationMode.NEGATIVE:
        # An empty filter (`?van=`) means "no filter", as a form in the browser sends it: DRF skips it on purpose.
        generated = generated.filter(lambda case: not any(
            value == "" or (isinstance(value, list) and "" in value) for value in (case.query or {}).values()))
    return st.builds(with_real_ids, generated, st.booleans())


def _valid_flow_write(case, wereld: dict) -> None:
    """Generated bodies mostly miss required fields or carry unknown keys. These writes to the register get real
    parties, ground and afspraak, the current lock_version and non-blank required text, so they reach the end."""
    if isinstance(case.body, dict):
        known = {k: v for k, v in case.body.items() if k in GegevensstroomInvoerSerializer().fields}
        case.body = known | wereld["stroom_ids"]
        for name in ("categorieen", "doel", "toelichting_overige_ontvangers"):
            if not isinstance(case.body.get(name), str) or not case.body[name].strip():
                case.body[name] = "Fuzz"
    versie = Arrangement.objects.values_list("lock_version", flat=True).get(pk=wereld["ids"]["arrangementen"])
    if isinstance(case.body, dict):
        case.body["lock_version"] = versie
    if isinstance(case.query, dict) and "lock_version" in case.query:
        case.query["lock_version"] = versie


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _assert_dutch(response):
    content_type = " ".join(response.headers.get("content-type", []))
    body = json.loads(response.content or b"null") if "json" in content_type else None
    english = [s for s in _strings(body) if ENGELS.search(QUOTED.sub("", s))]
    assert not english, f"{response.status_code}: Engelse melding(en) {english}"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_operation_never_fails_and_keeps_to_its_schema(api_schema, in_process_app, wereld, method, path,
                                                          mode):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Token {wereld['token']}"}
    checks = CHECKS + ([negative_data_rejection] if mode is GenerationMode.NEGATIVE else [])

    @settings(parent=FUZZ, max_examples=API_VOORBEELDEN)
    @given(case=_strategy(operation, mode, wereld))
    def fuzz(case):
        in_process_app.errors.clear()
        response = case.call(headers=headers)
        assert response.status_code < 500, "\n".join(in_process_app.errors) or response.content[:2000]
        case.validate_response(response, checks=checks, headers=headers)
        if mode is GenerationMode.NEGATIVE or 400 <= response.status_code < 500:
            _assert_dutch(response)

    fuzz()
