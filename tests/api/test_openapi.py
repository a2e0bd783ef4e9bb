"""The public API against its own OpenAPI document; its HTTP caching and CORS.

The document served at /api/v1/openapi.json is the contract partners code against, so it is
checked three ways: it is valid OpenAPI 3.1; schemathesis drives every documented operation
in-process and checks status codes, content types, bodies and headers; and plain tests validate
the live answers against the document's own schemas with jsonschema.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from sqlalchemy import event

from petitions.cases.models import Petition
from petitions.extensions import db
from petitions.signing.services import ConfirmOutcome, confirm
from tests.conftest import SmtpServer
from tests.factories import (
    closed_petition,
    confirmed_signature,
    detained_case,
    draft_petition,
    open_petition,
    pending_signature,
)

DOCUMENT = "/api/v1/openapi.json"
PARTNER = "https://partner.example"


@pytest.fixture
def config_overrides() -> dict[str, Any]:
    # Two signers from one country are enough to publish its count here (10 by default), so
    # the fixture shows a country above the threshold and two below it.
    return {"PUBLIC_COUNTRY_MIN": 2}


@dataclass(frozen=True)
class Published:
    """Slugs of the petitions in the database every test here starts from."""

    open: str
    closed: str
    draft: str
    open_id: int


@pytest.fixture
def published(app: Flask) -> Published:
    """An open petition with four confirmed signatures (two named, three countries) and a
    pending one; a closed petition with one; a draft."""
    case = detained_case(slug="ales-bialiatski", prisoner_name="Ales Bialiatski")
    petition = open_petition(slug="free-ales-bialiatski", goal=100, case=case)
    confirmed_signature(
        petition, full_name="Anna Schmidt", show_name_publicly=True, country="DE", city="Berlin"
    )
    confirmed_signature(petition, full_name="Hidden Nomen", country="NL", city="Leiden")
    confirmed_signature(petition, full_name="Rasa Nescio", country="LT", city="Vilnius")
    confirmed_signature(
        petition, full_name="Jan de Vries", show_name_publicly=True, country="NL", city="Utrecht"
    )
    pending_signature(petition, full_name="Not Yet Confirmed", country="PL", city="Warsaw")
    closed = closed_petition(
        slug="free-maria-kalesnikava",
        title="Free Maria Kalesnikava",
        case=detained_case(slug="maria-kalesnikava", prisoner_name="Maria Kalesnikava"),
    )
    confirmed_signature(closed, country="BY", city="Minsk")
    draft = draft_petition(slug="secret-draft")
    return Published(open=petition.slug, closed=closed.slug, draft=draft.slug, open_id=petition.id)


@pytest.fixture
def document(client: FlaskClient, published: Published) -> dict[str, Any]:
    answer = client.get(DOCUMENT)
    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body: dict[str, Any] = answer.get_json()
    return body


def response_validator(document: dict[str, Any], path: str, status: int) -> Draft202012Validator:
    """Validate against the JSON schema the document gives for GET ``path`` answering ``status``.

    OpenAPI 3.1 schemas are JSON Schema 2020-12; the components ride along so that their
    ``#/components/...`` references resolve.
    """
    response = document["paths"][path]["get"]["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def assert_valid(validator: Draft202012Validator, instance: Any) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
    assert not errors, "the answer does not match the document:\n" + "\n".join(errors)


# --- the document --------------------------------------------------------------------------


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any], smtp: SmtpServer) -> None:
    validate(document, cls=OpenAPIV31SpecValidator)

    assert document["openapi"].startswith("3.1.")
    assert document["servers"] == [{"url": "http://localhost/api/v1"}]
    assert set(document["paths"]) == {"/petitions", "/petitions/{slug}"}


# --- schemathesis against the live app ---------------------------------------------------


@pytest.fixture
def api_schema(
    app: Flask, document: dict[str, Any], published: Published
) -> schemathesis.BaseSchema:
    """The served document, with the database's real slugs added as examples of {slug}.

    Only ``examples`` are added (so the examples phase fetches full 200 bodies, a 404 for a
    draft and one for an unknown slug); nothing the document promises is changed.
    """
    enriched = copy.deepcopy(document)
    (slug,) = enriched["paths"]["/petitions/{slug}"]["get"]["parameters"]
    slug["examples"] = {
        "open": {"value": published.open},
        "closed": {"value": published.closed},
        "draft": {"value": published.draft},
        "unknown": {"value": "no-such-petition"},
    }
    config = schemathesis.Config.from_dict(
        {
            "seed": 20240807,
            "generation": {"max-examples": 25, "deterministic": True},
        }
    )
    schema = schemathesis.openapi.from_dict(enriched, config=config)
    # In-process WSGI; also lets schemathesis report the app's own exceptions.
    schema.app = app
    return schema


@pytest.fixture
def _nodeid_for_schemathesis(request: pytest.FixtureRequest) -> None:
    # schemathesis 4.32's from_fixture reads and rewrites `item._nodeid`, which pytest 9.2
    # renamed; give it the attribute back (it only names the per-operation subtests).
    if not hasattr(request.node, "_nodeid"):
        request.node._nodeid = request.node.nodeid


lazy_schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.usefixtures("_nodeid_for_schemathesis")
@lazy_schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None)
def test_every_answer_conforms_to_the_document(
    case: Any, client: FlaskClient, smtp: SmtpServer
) -> None:
    # The client opens a fresh app context per request, as a real server would.
    response = case.call_and_validate(session=client)
    if case.method == "GET" and response.status_code == 200:
        # Revalidation: the same request with the ETag just received is a documented 304.
        (etag,) = response.headers["etag"]
        again = case.call_and_validate(session=client, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""


# --- live answers against the document's schemas -----------------------------------------


def test_the_list_matches_petition_list(
    client: FlaskClient, document: dict[str, Any], published: Published, smtp: SmtpServer
) -> None:
    answer = client.get("/api/v1/petitions")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert_valid(response_validator(document, "/petitions", 200), body)
    assert [p["slug"] for p in body["petitions"]] == [published.open], "open petitions only"
    (summary,) = body["petitions"]
    assert summary["signature_count"] == 4
    assert summary["case"] == {
        "slug": "ales-bialiatski",
        "prisoner_name": "Ales Bialiatski",
        "status": "detained",
        "detained_since": "2011-08-04",
    }


def test_the_detail_matches_petition_details(
    client: FlaskClient, document: dict[str, Any], published: Published, smtp: SmtpServer
) -> None:
    answer = client.get(f"/api/v1/petitions/{published.open}")

    assert answer.status_code == 200
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert_valid(response_validator(document, "/petitions/{slug}", 200), body)
    assert (body["status"], body["goal"], body["signature_count"]) == ("open", 100, 4)
    # Latest first; only the signers who agreed to be named appear at all.
    assert [(s["name"], s["city"], s["country"]) for s in body["latest_signers"]] == [
        ("Jan de Vries", "Utrecht", "NL"),
        ("Anna Schmidt", "Berlin", "DE"),
    ]
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", s["confirmed_on"]) for s in body["latest_signers"]
    )
    # NL has two confirmed signers (the threshold here); DE and LT one each: not shown.
    assert body["counts_by_country"] == {"NL": 2}, "small countries and pending ones do not show"
    raw = answer.get_data(as_text=True)
    for secret in ("Hidden Nomen", "Rasa Nescio", "Not Yet Confirmed", "@", "Leiden", "Vilnius"):
        assert secret not in raw
    assert '"LT"' not in raw


def test_a_closed_petition_matches_petition_details(
    client: FlaskClient, document: dict[str, Any], published: Published, smtp: SmtpServer
) -> None:
    body = client.get(f"/api/v1/petitions/{published.closed}").get_json()

    assert_valid(response_validator(document, "/petitions/{slug}", 200), body)
    assert (body["status"], body["signature_count"]) == ("closed", 1)
    # Its one signer asked not to be named: no trace of them but the count.
    assert body["latest_signers"] == []
    assert body["counts_by_country"] == {}
    raw = client.get(f"/api/v1/petitions/{published.closed}").get_data(as_text=True)
    assert "Minsk" not in raw
    assert '"BY"' not in raw


@pytest.mark.parametrize("which", ["unknown", "draft"])
def test_no_public_petition_is_the_documented_404_envelope(
    client: FlaskClient,
    document: dict[str, Any],
    published: Published,
    smtp: SmtpServer,
    which: str,
) -> None:
    slug = published.draft if which == "draft" else "no-such-petition"

    answer = client.get(f"/api/v1/petitions/{slug}")

    assert answer.status_code == 404
    assert answer.mimetype == "application/json"
    body = answer.get_json()
    assert_valid(response_validator(document, "/petitions/{slug}", 404), body)
    assert body["error"]["status"] == 404
    assert "secret" not in answer.get_data(as_text=True)


def test_a_refused_method_names_the_allowed_ones(
    client: FlaskClient, published: Published, smtp: SmtpServer
) -> None:
    answer = client.delete(f"/api/v1/petitions/{published.open}")

    assert answer.status_code == 405
    assert answer.get_json()["error"]["status"] == 405
    # RFC 9110 section 15.5.6: a 405 MUST carry Allow.
    assert {"GET", "HEAD", "OPTIONS"} <= set(answer.allow)


# --- HTTP caching ------------------------------------------------------------------------


def _api_count(answer: Any) -> int:
    return int(answer.get_json()["signature_count"])


def _badge_count(answer: Any) -> int:
    match = re.search(r"<title[^>]*>[^<]*?: (\d+) signatures?,", answer.get_data(as_text=True))
    assert match, answer.get_data(as_text=True)
    return int(match.group(1))


def _list_count(answer: Any) -> int:
    (summary,) = answer.get_json()["petitions"]
    return int(summary["signature_count"])


CACHED = [
    pytest.param("/api/v1/petitions/{slug}", "application/json", _api_count, id="detail"),
    pytest.param("/badge/{slug}.svg", "image/svg+xml", _badge_count, id="badge"),
    pytest.param("/api/v1/petitions", "application/json", _list_count, id="list"),
]


@pytest.mark.parametrize(("template", "mimetype", "count"), CACHED)
def test_a_cached_answer_revalidates_until_a_confirmation(
    client: FlaskClient,
    app: Flask,
    published: Published,
    smtp: SmtpServer,
    template: str,
    mimetype: str,
    count: Callable[[Any], int],
) -> None:
    path = template.format(slug=published.open)
    first = client.get(path)

    assert first.status_code == 200
    assert first.mimetype == mimetype
    etag, weak = first.get_etag()
    assert etag
    assert not weak
    assert first.cache_control.public
    assert first.cache_control.max_age == app.config["COUNT_CACHE_SECONDS"]
    assert count(first) == 4

    unchanged = client.get(path, headers={"If-None-Match": f'"{etag}"'})

    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.get_etag() == (etag, False), "a 304 repeats the ETag"
    assert unchanged.cache_control.public
    assert unchanged.cache_control.max_age == app.config["COUNT_CACHE_SECONDS"]

    signature = pending_signature(db.session.get_one(Petition, published.open_id))
    assert confirm(signature.id) is ConfirmOutcome.CONFIRMED

    changed = client.get(path, headers={"If-None-Match": f'"{etag}"'})

    assert changed.status_code == 200, "the old ETag no longer matches"
    assert changed.mimetype == mimetype
    new_etag, _weak = changed.get_etag()
    assert new_etag
    assert new_etag != etag
    assert count(changed) == 5
    assert client.get(path, headers={"If-None-Match": f'"{new_etag}"'}).status_code == 304


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Collect the SQL statements the app's engine executes inside the block."""
    statements: list[str] = []

    def record(
        conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


@pytest.mark.parametrize(
    "template", ["/api/v1/petitions/{slug}", "/badge/{slug}.svg", "/api/v1/petitions"]
)
def test_a_304_costs_no_query(
    client: FlaskClient, published: Published, smtp: SmtpServer, template: str
) -> None:
    path = template.format(slug=published.open)
    etag, _weak = client.get(path).get_etag()

    with counted_queries() as statements:
        answer = client.get(path, headers={"If-None-Match": f'"{etag}"'})

    assert answer.status_code == 304
    assert statements == []


# --- CORS ------------------------------------------------------------------------------------


PUBLIC = [
    "/api/v1/petitions",
    "/api/v1/petitions/{slug}",
    "/api/v1/petitions/no-such-petition",
    DOCUMENT,
    "/badge/{slug}.svg",
]


@pytest.mark.parametrize("template", PUBLIC)
def test_the_public_numbers_are_shared_with_any_origin(
    client: FlaskClient, published: Published, smtp: SmtpServer, template: str
) -> None:
    answer = client.get(template.format(slug=published.open), headers={"Origin": PARTNER})

    allowed = answer.headers.get("Access-Control-Allow-Origin")
    assert allowed in ("*", PARTNER)
    if allowed == PARTNER:
        # An echoed origin must key shared caches, or another site gets this site's answer.
        assert "origin" in answer.vary
    assert "Access-Control-Allow-Credentials" not in answer.headers
    assert "etag" in answer.headers.get("Access-Control-Expose-Headers", "").lower()


@pytest.mark.parametrize("template", PUBLIC)
def test_the_public_numbers_answer_any_origin_with_the_wildcard(
    client: FlaskClient, published: Published, smtp: SmtpServer, template: str
) -> None:
    answer = client.get(template.format(slug=published.open), headers={"Origin": PARTNER})

    assert answer.headers.get("Access-Control-Allow-Origin") == "*"
    assert "origin" not in answer.vary, "one cached copy serves every partner site"


@pytest.mark.parametrize("template", ["/", "/p/{slug}", "/organizer/", "/organizer/login"])
def test_pages_are_not_shared_with_other_origins(
    client: FlaskClient, published: Published, smtp: SmtpServer, template: str
) -> None:
    answer = client.get(template.format(slug=published.open), headers={"Origin": PARTNER})

    assert answer.status_code in (200, 302)
    shared = [name for name, _value in answer.headers if name.lower().startswith("access-control-")]
    assert not shared
