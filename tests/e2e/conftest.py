import importlib
import os
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connections

# Playwright's sync API runs an event loop in the test thread, which makes Django
# refuse ORM calls from fixtures and tests unless told this is fine.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
# The system Chromium is used; Playwright must never fetch a browser of its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from playwright.sync_api import sync_playwright  # noqa: E402

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet at start.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)


def chromium_path() -> str | None:
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser(django_db_setup):
    executable = chromium_path()
    if executable is None:
        reason = f"Chromium is not installed ({CHROMIUM}); see TESTING.md: apt-get install chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Playwright's event loop makes Django see this thread as async, and it opens
        # other connections for it than before; closed here, while still reachable,
        # so that the test database can be dropped.
        connections.close_all()


@pytest.fixture
def new_context(browser):
    """Fresh browser contexts (cookies, cache) for one test, closed after it."""
    contexts = []

    def factory(**options):
        context = browser.new_context(locale="sv-SE", **options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        return context

    yield factory
    for context in contexts:
        context.close()


@pytest.fixture
def csp_violations():
    """What the browser reports in the console about Content Security Policy violations
    on the `page` of the test, from its first request on."""
    return []


@pytest.fixture
def page(new_context, live_server, csp_violations):
    """A page in a fresh context that enforces the site's Content Security Policy."""
    page = new_context(base_url=live_server.url).new_page()

    def record(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            csp_violations.append(message.text)

    page.on("console", record)
    return page


@pytest.fixture
def editors_group(transactional_db):
    """The editors' group of the data migration: the database flush after each live
    server test removes it, while the permissions come back after every flush."""
    migration = importlib.import_module("news.migrations.0002_editors_group")
    group, _created = Group.objects.get_or_create(name=migration.EDITORS)
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="news", codename__in=migration.NEWS_PERMISSIONS
        )
    )
    return group


@pytest.fixture
def editor(editors_group, editor):
    return editor


AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """() => axe.run(document, {
    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
})"""


@pytest.fixture
def axe_violations(new_context, live_server):
    """Audit a page with axe-core: a line per WCAG 2.0/2.1 A/AA violation found."""
    if not AXE_JS.is_file():
        pytest.fail(f"axe-core is missing ({AXE_JS}): run `npm ci` in the project root")
    # The site's Content Security Policy would block the injected axe script.
    page = new_context(base_url=live_server.url, bypass_csp=True).new_page()

    def audit(path: str) -> list[str]:
        response = page.goto(path)
        assert response.status == 200, f"{path} answered {response.status}"
        page.add_script_tag(path=AXE_JS)
        results = page.evaluate(AXE_RUN)
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {[node['target'] for node in violation['nodes']]}"
            for violation in results["violations"]
        ]

    return audit
