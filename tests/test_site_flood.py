"""A flood of anonymous writes from one address cannot stall other visitors' writes:
production gunicorn (two sync workers) on SQLite, real HTTP on loopback."""

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from production_site import Browser, form_fields, production_site

FLOOD_SECONDS = 30
FLOODERS = 50
CONSENT_LIMIT = 30  # the default CONSENT_RATE_LIMIT, 30/600


@pytest.fixture
def site(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the flood is about SQLite's single writer")
    with production_site(tmp_path) as site:
        yield site


def flood(port: int, stop: threading.Event) -> list[int]:
    """One flooding client: consent choices as fast as the site answers, all from 127.0.0.1."""
    statuses = []
    browser = Browser(port, "127.0.0.1")
    token = form_fields(browser.get("/cookies/").body, "/cookies/")["csrfmiddlewaretoken"]
    choices = [["statistik"], []]
    while not stop.is_set():
        # Alternating, so that every accepted choice is a new one that would be recorded.
        categories = choices[len(statuses) % 2]
        fields = {"csrfmiddlewaretoken": token, "categories": categories, "next": "/cookies/"}
        statuses.append(browser.post("/cookies/", fields).status)
    return statuses


def comment(port: int, number: int) -> tuple[int, str]:
    """Another visitor, from an address of their own, posting a comment as a person would."""
    browser = Browser(port, f"127.0.0.{10 + number}")
    fields = form_fields(browser.get("/nyheter/nyhet/").body, "/nyheter/nyhet/kommentarer/")
    time.sleep(4)  # a person takes longer than the form's minimum time to write
    answer = browser.post(
        "/nyheter/nyhet/kommentarer/",
        fields
        | {
            "name": f"Besökare {number}",
            "email": f"besokare{number}@example.se",
            "text": f"Kommentar nummer {number} under flodet.",
            "hp_kontroll": "",
        },
    )
    return answer.status, answer.body


def test_consent_flood_from_one_address_leaves_other_visitors_comments_answered(site, tmp_path):
    stop = threading.Event()
    with ThreadPoolExecutor(FLOODERS + 10) as pool:
        flooders = [pool.submit(flood, site.port, stop) for _ in range(FLOODERS)]
        time.sleep(5)  # the flood is on
        commenters = []
        for number in range(8):
            commenters.append(pool.submit(comment, site.port, number))
            time.sleep((FLOOD_SECONDS - 10) / 8)
        comment_answers = [future.result(timeout=90) for future in commenters]
        stop.set()
        flood_statuses = [status for future in flooders for status in future.result(timeout=90)]

    assert [status for status, _body in comment_answers] == [302] * 8, [
        body[:300] for status, body in comment_answers if status != 302
    ]
    assert not [status for status in flood_statuses if status >= 500]
    assert set(flood_statuses) <= {302, 429}
    assert len(flood_statuses) > FLOODERS * 2, "the flood never got going"

    database = sqlite3.connect(tmp_path / "db.sqlite3")
    records = database.execute("SELECT COUNT(*) FROM consent_consentrecord").fetchone()[0]
    comments = database.execute("SELECT COUNT(*) FROM comments_comment").fetchone()[0]
    database.close()
    assert records <= CONSENT_LIMIT
    assert comments == 8
    log = (tmp_path / "gunicorn.log").read_text()
    assert "database is locked" not in log
