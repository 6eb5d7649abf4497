"""Probes: /healthz and /readyz answer on any host; readiness names the part that is down."""

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import _free_port, client_for
from tests.factories import association_make

# Hosts a load balancer or kubelet may send: a pod IP with its port, an unknown name.
PROBE_HOSTS = ["10.1.2.3:8000", "[fd00::7]:8000", "unknown.example.net", "kairan.test"]


@pytest.mark.parametrize("host", PROBE_HOSTS)
def test_liveness_answers_on_any_host_without_touching_the_database(host) -> None:
    # No `db` fixture: pytest-django would make any query raise, so a 200 proves no I/O.
    response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("host", PROBE_HOSTS)
def test_readiness_answers_on_any_host(db, host) -> None:
    response = Client(HTTP_HOST=host).get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_probes_answer_on_an_association_host(db, platform) -> None:
    browser = client_for(association_make(slug="probed"))
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/readyz").status_code == 200
    assert browser.head("/readyz").status_code == 200


def test_host_check_is_skipped_for_the_two_probe_paths_only(db) -> None:
    stranger = Client(HTTP_HOST="10.1.2.3:8000")
    # django-tenants answers a host outside ALLOWED_HOSTS with 404, as before.
    assert stranger.get("/").status_code == 404
    assert stranger.get("/healthz/").status_code == 404
    assert stranger.get("/readyz/extra").status_code == 404
    assert stranger.post("/healthz").status_code == 405


def test_readiness_is_503_naming_the_broker_when_redis_is_down(db, settings) -> None:
    settings.REDIS_URL = f"redis://127.0.0.1:{_free_port()}/0"
    response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failed"] == ["broker"]
    assert body["checks"] == {"database": "ok", "broker": "ConnectionError"}
    # Liveness stays green: restarting the web process would not bring Redis back.
    assert Client(HTTP_HOST="10.1.2.3").get("/healthz").status_code == 200


def test_readiness_is_503_naming_the_database_when_postgresql_is_unreachable(
    transactional_db,
) -> None:
    # A real failed connection: the socket folder / port points nowhere.
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-kairan-socket-dir"
    connection.settings_dict["PORT"] = str(_free_port())
    try:
        response = Client(HTTP_HOST="10.1.2.3").get("/readyz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["database"]
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["database"] == "OperationalError"
