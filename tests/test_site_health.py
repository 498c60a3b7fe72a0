"""GET /healthz, for load balancers and monitors: is this app server's database reachable,
and its cache? Cheap, never cached, nothing personal, over plain HTTP too."""

import json

from faults import closed_port
from production_site import Browser

from adda_site import cache as tolerant_cache

HEALTHY = {"database": "ok", "cache": "ok"}


def test_healthy_site_answers_ok_for_its_database_and_cache(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == HEALTHY


def test_health_check_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]


def test_health_check_costs_one_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        client.get("/healthz")

    assert queries.captured_queries[0]["sql"] == "SELECT 1"


def test_health_check_sets_no_cookie(client, db):
    response = client.get("/healthz")

    assert not response.cookies
    assert "Vary" not in response


def test_load_balancer_may_ask_over_plain_http_when_the_site_redirects_to_https(
    client, db, settings
):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 301


def test_health_check_still_refuses_unknown_host_names(client, db):
    response = client.get("/healthz", headers={"host": "angripare.example.com"})

    assert response.status_code == 400


def test_health_check_is_not_in_the_sitemap(client, db):
    assert "healthz" not in client.get("/sitemap.xml").text


def test_health_check_answers_head_without_a_body(client, db):
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


def test_health_check_reports_a_dead_cache_but_keeps_the_app_server_in_service(
    client, db, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "adda_site.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        }
    }
    tolerant_cache._Outage.is_down = False

    response = client.get("/healthz")

    tolerant_cache._Outage.is_down = False
    tolerant_cache._Outage.down_until = 0.0
    # The site works without its cache, slower: taking every app server out of the load
    # balancer for it would be the real outage.
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "error"}


def test_health_check_with_redis_as_the_cache(client, db, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "adda_site.cache.TolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": "adda-test-health",
        }
    }

    response = client.get("/healthz")

    assert response.json() == HEALTHY


# The production site on PostgreSQL, whose database the tests take away (tests/faults.py)


def test_health_check_answers_503_with_database_error_while_the_database_is_down(
    postgres_site, database_down
):
    database_down()

    answer = Browser(postgres_site.port).get("/healthz")

    assert answer.status == 503
    assert json.loads(answer.body) == {"database": "error", "cache": "ok"}
    assert "no-store" in answer.headers["Cache-Control"]


def test_health_check_answers_200_again_when_the_database_returns(postgres_site, database_down):
    health = Browser(postgres_site.port)
    database_down()
    assert health.get("/healthz").status == 503

    postgres_site.database.open()

    answers = [health.get("/healthz") for _ in range(4)]
    assert {answer.status for answer in answers} == {200}
    assert json.loads(answers[-1].body) == HEALTHY
