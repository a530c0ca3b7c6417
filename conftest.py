"""Suite-wide fixtures: the browser (Debian's Chromium through Playwright), axe, and the CI rule
that nothing may be skipped."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


# Where each test runs when the SQLite and PostgreSQL runs go side by side (scripts/test.sh; TEST_SERIAL=1 runs
# every test on both, but for what cannot reach a database and the language variants, once, and the
# PostgreSQL-only tests on PostgreSQL):
# - a test that reads and writes the database runs on both databases: every view, form, API operation and
#   service, through Django's test client, on SQLite and on PostgreSQL;
# - a browser test (Chromium: layout, keyboard, axe, the flow across screens) runs once, on PostgreSQL, the
#   production database: what it adds to the test-client tests is the browser, the same on either database;
# - a language parametrization other than Japanese (the same flow and rows as the Japanese case) runs once,
#   and so does a test that cannot reach the database (``database_independent``): in the SQLite run, or on
#   PostgreSQL when it needs a browser.
# The PostgreSQL run goes in two lanes on two clusters: the second takes the PostgreSQL-only concurrency tests,
# these apps' tests (the long histories of the insights) and the browser tests of the apps below, so that the
# three runs end together on a two-core machine.
BOTH_DATABASES = ("ja",)
SECOND_LANE_APPS = ("insights", "surveys")
BROWSER_SECOND_LANE_APPS = ("counters", "core", "dxdesk", "navigator")
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "django_db_serialized_rollback",
                     "live_server"}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Marks for the lanes above, before ``-m`` selects: ``database_independent`` for a test that cannot reach
    the database (no django_db mark, no database fixture: pytest-django refuses it any query), ``browser``
    for every test that drives Chromium, ``one_database`` for the language variants, ``second_lane``."""
    for item in items:
        if item.get_closest_marker("django_db") is None and not DATABASE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.database_independent)
        elif getattr(item, "callspec", None) and item.callspec.params.get("language") not in (None, *BOTH_DATABASES):
            item.add_marker(pytest.mark.one_database)
        browser = "browser" in item.fixturenames
        if browser and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
        app = item.path.parts[-3] if item.path.parts[-4:-3] == ("madoguchi",) else ""
        if app in SECOND_LANE_APPS or (browser and app in BROWSER_SECOND_LANE_APPS):
            item.add_marker(pytest.mark.second_lane)
        if item.get_closest_marker("once_on_postgresql") and (item.get_closest_marker("database_independent")
                                                              or item.get_closest_marker("one_database")):
            # No lane of scripts/test.sh would run it: SQLite leaves it to PostgreSQL, PostgreSQL to SQLite.
            raise pytest.UsageError(f"{item.nodeid}: once_on_postgresql needs the database and no language variant")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which may skip nothing: {report.longrepr}"


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        browser.new_context = _watched(browser.new_context)
        yield browser
        browser.close()


# Every Content-Security-Policy refusal any page of any browser context meets (an inline script or
# style, a foreign origin): the test that caused it fails, so nothing the pages need is blocked in
# production.
CSP_REFUSALS: list[str] = []


def _watched(new_context):
    def watched_new_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("console", lambda message: CSP_REFUSALS.append(message.text)
                   if "Content Security Policy" in message.text else None)
        return context

    return watched_new_context


@pytest.fixture(autouse=True)
def _no_csp_refusals(request):
    CSP_REFUSALS.clear()
    yield
    if "browser" in request.fixturenames:
        # Close every page the test opened: a page left open keeps polling (a status page every 2 s)
        # and its requests would reach the live server while the next test runs.
        for context in list(request.getfixturevalue("browser").contexts):
            context.close()
        assert not CSP_REFUSALS, f"Content-Security-Policy refusals: {CSP_REFUSALS[:3]}"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True, device_scale_factor=2,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def assert_accessible(page, *, context=None) -> None:
    """Fail on any axe-core WCAG 2.1 AA violation of the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # A link or button just clicked may still be loading the next page: axe on a document being replaced
    # failed with "Cannot read properties of null (reading 'documentElement')" (the kiosk's category link).
    page.wait_for_load_state("load")
    # Violations only: nobody reads the passes and the inapplicable rules.
    options = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
    results = Axe().run(page, context=context, options=options)
    violations = results.response.get("violations", [])
    if violations:
        lines = [f"{page.url}: {len(violations)} WCAG 2.1 AA violation(s)"]
        for v in violations:
            targets = "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {targets}")
        pytest.fail("\n".join(lines))


@pytest.fixture
def axe():
    return assert_accessible


AUDIT_TABLES = ("audit_event", "audit_personaldataaccess")


@pytest.fixture(autouse=True)
def _audit_tables_emptied_before_flush(request):
    """A transactional test (live server, browser) ends with a flush that empties every table. On
    SQLite the flush is ``DELETE FROM``, which the append-only audit triggers refuse; so the audit
    rows are purged first, with the triggers lifted and put back exactly as they were. PostgreSQL
    flushes with TRUNCATE, which row triggers do not see, and needs nothing."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction", False)) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    # Set up the database first, so that this fixture's teardown runs before its flush.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    placeholders = ", ".join("%s" for _ in AUDIT_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})",  # noqa: S608
            AUDIT_TABLES,
        )
        triggers = cursor.fetchall()
        for name, _sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
        for table in AUDIT_TABLES:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608 - fixed table names
        for _name, sql in triggers:
            cursor.execute(sql)


@pytest.fixture(scope="session")
def _starter_catalog_rows(django_db_setup, django_db_blocker):
    """What loading the starter catalogue writes — every new row of every table, the audit entry included —
    read once per session inside a transaction that is then rolled back."""
    from django.apps import apps
    from django.conf import settings
    from django.db import transaction

    from madoguchi.catalog.services import catalog_load

    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    with django_db_blocker.unblock(), transaction.atomic():
        before = {m: set(m._base_manager.values_list("pk", flat=True)) for m in models}
        result = catalog_load(directory=settings.CATALOG_DIR)
        rows = {}
        for model in models:
            new = [row for row in model._base_manager.order_by("pk") if row.pk not in before[model]]
            if new:
                rows[model] = new
        transaction.set_rollback(True)
    return result, rows


@pytest.fixture
def starter_catalog(_starter_catalog_rows, db):
    """The ward's starter catalogue from catalog/*.yaml, as `make run` loads it: the rows its load wrote
    (read once per session), inserted again with their keys — one INSERT per table, not the load's
    thousand upserts (0.3 s on SQLite, 0.55 s on PostgreSQL, in some 700 tests). The catalogue's own tests
    load it with ``catalog_load`` itself; loading again over this finds nothing to change."""
    import uuid

    from django.core.cache import cache
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from madoguchi.catalog.services import CATALOG_VERSION_KEY

    result, rows = _starter_catalog_rows
    with transaction.atomic():  # the foreign keys are checked at its end (a live-server test has no outer one)
        for model, objects in rows.items():
            model._base_manager.bulk_create(objects)
    statements = connection.ops.sequence_reset_sql(no_style(), list(rows))
    if statements:  # PostgreSQL: the sequences continue after the keys written
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    cache.set(CATALOG_VERSION_KEY, uuid.uuid4().hex, None)
    return result


@pytest.fixture(autouse=True)
def _background_work_ends(_django_db_marker):
    """What a test started on a thread of its own (a card payment's terminal, a resident's notice) ends
    within the test — before its database is emptied, and before the next test counts threads."""
    yield
    from madoguchi.core import background

    assert background.wait(30), "work started on a background thread still runs after the test"


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English leaves English active in the thread: every test starts from the default."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Caches (congestion, handling speeds, rate limits) must not carry one test's figures into the next.
    (The test settings keep the shared cache in memory; the multi-process tests use the real one.)"""
    from django.core.cache import caches

    def clear():
        caches["default"].clear()
        caches["shared"].clear()

    clear()
    yield
    clear()


@pytest.fixture
def site(starter_catalog):
    """The main office of the starter catalogue (本庁舎, ``honcho``)."""
    from madoguchi.catalog.models import Site

    return Site.objects.get(code="honcho")


@pytest.fixture
def clerk(starter_catalog):
    """A counter clerk serving the counters of a move-in: resident records, health insurance, certificates."""
    from madoguchi.accounts.tests.factories import UserFactory
    from madoguchi.core.roles import Role

    return UserFactory(role=Role.COUNTER, counters=["koseki-move", "kokuho", "koseki-cert"])


@pytest.fixture
def english():
    """Messages in English for the test (they are translated when shown, in the active language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request activates its language for the rest of the thread (LocaleMiddleware never deactivates): a
    test that asked for English must not leave the next test's messages in English."""
    yield
    from django.utils import translation

    translation.deactivate()
