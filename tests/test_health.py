"""Health checks a load balancer can ask."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient

from petitions import create_app


def test_a_healthy_instance_says_so(client: FlaskClient) -> None:
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.get_json() == {
        "status": "ok",
        "checks": {"database": True, "rate_limit_storage": True},
    }
    assert client.get("/livez").get_json() == {"status": "ok"}


def test_an_unreachable_database_makes_the_instance_unhealthy(tmp_path: Path) -> None:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'folder' / 'db.sqlite'}"}
    )

    answer = app.test_client().get("/healthz")

    assert answer.status_code == 503
    assert answer.get_json()["checks"] == {"database": False, "rate_limit_storage": True}
    # The process itself still answers, so an orchestrator can tell "sick" from "dead".
    assert app.test_client().get("/livez").status_code == 200
