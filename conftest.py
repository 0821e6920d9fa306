"""Fixtures every app's tests share: real services, the browser, accessibility checks.

Tests run in random order (pytest-randomly prints "Using --randomly-seed=N"; that option
replays the order): none may rely on another having run first. After a
transactional test (`django_db(transaction=True)`), the flush re-seeds what the data
migrations wrote (groups, policy, products, checklists) through post_migrate, and no test
restores a serialized copy of the database (see `django_db_setup` below for why);
`serialized_rollback=True` on a test is therefore harmless and changes nothing.

With CI=true a test that needs PostgreSQL, Redis or Chromium fails when it is missing;
on a developer's machine without them it skips with the reason.

`make test` runs the files on every core (pytest-xdist, `-n auto`; `-n 0` runs them in one
process). Each worker has a test database of its own (pytest-django names it after the
worker: `test_<name>_gw0`, …) and, with REDIS_URL, a Redis database of its own (see
`_worker_redis_url`): tests clear the cache, which empties their whole Redis database.
Everything else a test starts listens on a free port the system chose, and writes under
its own tmp_path or a file name of its own.
"""

import os
import socket
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from django.conf import settings as site_settings
from django.db import connections
from django.test import override_settings
from django.utils import translation

from dreame_service.kit import ratelimit

ROOT = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# Where save_screenshot() writes: test-results/ (git-ignored) unless SCREENSHOTS_DIR says
# otherwise; `make screenshots` points it at docs/screenshots/ to refresh the documented ones.
SCREENSHOTS = ROOT / os.environ.get("SCREENSHOTS_DIR", "test-results/screenshots")
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_DATABASES = 16  # Redis's default `databases`


def _worker_redis_url(url: str) -> str:
    """REDIS_URL for this pytest-xdist worker: one Redis database per worker.

    A test's `cache.clear()` is a FLUSHDB: on a database shared with another worker it would
    wipe that worker's rate-limit counts and the Celery tasks waiting for its worker process.
    N workers take N adjacent databases from REDIS_URL's own on, moved down so that none
    passes 15: /9 with two workers gives 9 (gw0) and 10 (gw1), /15 gives 14 and 15.
    Without xdist (`-n 0`) REDIS_URL is used as it is."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if count > REDIS_DATABASES:
        raise pytest.UsageError(f"{count} workers need more than {REDIS_DATABASES} Redis databases")
    parsed = urlparse(url)
    first = min(int(parsed.path.strip("/") or 0), REDIS_DATABASES - count)
    # A worker that replaces a crashed one (gw2 for gw0 of two) takes the crashed one's place.
    index = int(worker.removeprefix("gw")) % count
    return urlunparse(parsed._replace(path=f"/{first + index}"))


def _use_worker_redis() -> None:
    """Point settings (read before this file: pytest-django loads them first) and the
    environment of the processes tests start at this worker's Redis database. Nothing has
    connected yet: the cache and Celery's configuration are made on first use."""
    shared = site_settings.REDIS_URL
    own = _worker_redis_url(shared)
    if own == shared:
        return
    os.environ["REDIS_URL"] = own
    site_settings.REDIS_URL = own
    for cache in site_settings.CACHES.values():
        if cache.get("LOCATION") == shared:
            cache["LOCATION"] = own
    if shared == site_settings.CELERY_BROKER_URL:
        site_settings.CELERY_BROKER_URL = own


_use_worker_redis()


def pytest_configure(config):
    """What the test runs change in the settings, for speed only (docs/benchmarks.md, "The
    test loop"); no test's answer depends on them."""
    override_settings(
        # Login tests hash a password per attempt; production's 1.5 million PBKDF2
        # iterations cost half a second each (tests/hashers.py).
        PASSWORD_HASHERS=[
            "tests.hashers.QuickPBKDF2PasswordHasher",
            *(
                name
                for name in site_settings.PASSWORD_HASHERS
                if name != "django.contrib.auth.hashers.PBKDF2PasswordHasher"
            ),
        ],
        # Every test client builds the middleware chain, and WhiteNoise's indexes the whole
        # STATIC_ROOT that `make test` collects (65 ms, about a thousand clients a run). No
        # test asks the test client for a static file (the browser tests get them from the
        # live server's static handler): it looks a file up when asked, as with DEBUG on.
        WHITENOISE_AUTOREFRESH=True,
    ).enable()


def require(condition: bool, reason: str) -> None:
    """Fail in CI, skip elsewhere: a missing service must never turn CI green."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs this: {reason}")
    pytest.skip(reason)


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """The test database, without the serialized copy that `serialized_rollback` restores.

    Playwright's sync API keeps an event loop running in the test thread once the first
    browser test has started it, and from then on Django keeps its connections per context
    instead of per thread: a different connection object, without the copy Django put on the
    first one. So `serialized_rollback` worked only for the tests that ran before the first
    browser test; the last of those flushed without re-seeding (the copy was to be restored),
    and the next transactional test found no groups (`Group.DoesNotExist`) when it ran after
    the browser had started. Without the copy, every flush re-seeds through post_migrate,
    whichever test ran before and whether a browser runs or not."""
    for connection in connections.all(initialized_only=True):
        if hasattr(connection, "_test_serialized_contents"):
            del connection._test_serialized_contents
    return django_db_setup


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language (Russian). A request through the test
    client leaves its language active in this thread (LocaleMiddleware activates it and
    nothing deactivates it after the response), so in random order a form checked outside a
    request spoke the previous test's English."""
    translation.activate(site_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_rate_limiter():
    """A test that takes Redis away leaves the limiter counting in this process's memory
    for a few seconds; the next test must start from the shared store again."""
    yield
    ratelimit.forget_local_state()


@pytest.fixture
def eager_celery():
    """Run published tasks in-process, for tests of the chain without a worker process."""
    from dreame_service.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def private_media(tmp_path) -> Path:
    """Where this test's uploads, photos and acts are stored (a folder of its own)."""
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _test_storages(settings, private_media):
    """Uploads go to the test's own folder, never into var/media.

    Pages render their {% static %} links from the source folders, not from a collectstatic
    run that may be missing or stale (tests run with DEBUG off, and the manifest storage
    would need one). `make test` still runs collectstatic, which checks every file the CSS
    refers to."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private_media)},
        },
    }


@pytest.fixture
def postgres_db(settings):
    """For tests that only mean something on PostgreSQL: row locks, concurrency."""
    require(
        settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql",
        "needs PostgreSQL: set DATABASE_URL=postgres://…",
    )


@pytest.fixture
def redis_url(settings):
    """The real Redis from REDIS_URL, checked to answer."""
    url = settings.REDIS_URL
    require(bool(url), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    parsed = urlparse(url)
    require(_port_open(parsed.hostname, parsed.port or 6379), f"Redis at {url} does not answer")
    return url


# --- Receipts in a private S3 bucket (moto's S3 server on loopback) ----------------------

BUCKET = "dreame-receipts-test"


@pytest.fixture
def s3_endpoint(settings):
    import boto3
    from moto.server import ThreadedMotoServer

    # Port 0: the system picks a free port as the server binds it (no other worker's).
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials).create_bucket(
        Bucket=BUCKET
    )
    # The same options as production's settings.py, pointed at the local server.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": 300,
                "file_overwrite": False,
            },
        },
    }
    yield endpoint
    server.stop()


# --- Browser (pytest-playwright, Debian's Chromium) -------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }


# Every page of a watched context records what its Content-Security-Policy blocked; the
# init script runs outside the page's CSP, like Playwright's own evaluation.
CSP_WATCH = """window.__cspBlocked = [];
document.addEventListener('securitypolicyviolation',
    e => window.__cspBlocked.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"""


def watch_csp(context):
    """Make axe_violations() also report anything the page's CSP blocked."""
    context.add_init_script(CSP_WATCH)
    return context


def _device_page(browser, *, width: int, height: int, color_scheme: str = "light"):
    require(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    context = browser.new_context(
        viewport={"width": width, "height": height},
        device_scale_factor=1,
        locale="ru-RU",
        color_scheme=color_scheme,
    )
    watch_csp(context)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def office_page_for(browser, live_server, *, user=None, color_scheme="light"):
    """A 1280×800 office screen in Russian, its CSP watched; logged in as `user` if given
    (a session made by Django's test client, so the test does not type a password)."""
    from django.test import Client

    context, page = _device_page(browser, width=1280, height=800, color_scheme=color_scheme)
    if user is not None:
        client = Client()
        client.force_login(user)
        session = client.cookies["sessionid"].value
        context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    """A 360 px wide phone screen, Russian by default like the portal."""
    context, page = _device_page(browser, width=360, height=780)
    yield page
    context.close()


@pytest.fixture
def tablet_page(browser, live_server):
    """A 1024×768 tablet at a service center's counter, in Russian."""
    context, page = _device_page(browser, width=1024, height=768)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _browser_tests_need_chromium(request):
    if request.node.get_closest_marker("browser"):
        require(CHROMIUM.exists(), f"needs Chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Playwright's sync API runs an event loop; Django must allow ORM use beside it. Set before
    # any fixture: pytest-django's database setup may run after the browser has started.
    if item.get_closest_marker("browser"):
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def save_screenshot(page, name: str) -> Path:
    """Keep a screenshot for people to look at, in SCREENSHOTS (see above)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page) -> list[dict]:
    """Run axe-core's WCAG 2.2 A/AA rules on the page; return the violations, and what the
    page's Content-Security-Policy blocked (in a context under `watch_csp`)."""
    require(AXE_JS.exists(), "needs axe-core: npm ci")
    # Evaluated, not added as a <script>: the site's CSP rightly refuses inline scripts.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
           values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    violations = [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    blocked = page.evaluate("window.__cspBlocked || []")
    if blocked:
        violations.append({"id": "csp", "help": "blocked by the CSP", "nodes": blocked[:5]})
    return violations


def assert_no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


# --- The support mailbox: Debian's Dovecot on loopback (notifications.tests.imap) ---------


@pytest.fixture(scope="session")
def _dovecot():
    from notifications.tests.imap import dovecot_available, running_dovecot

    require(dovecot_available(), "needs Dovecot: apt-get install dovecot-imapd")
    with running_dovecot() as server:
        yield server


@pytest.fixture
def imap_mailbox(_dovecot, settings):
    """The support mailbox, empty, on a real IMAP server; SUPPORT_IMAP_URL points at it."""
    _dovecot.empty()
    settings.SUPPORT_IMAP_URL = _dovecot.url
    return _dovecot
