"""gunicorn.conf.py: settings gunicorn knows, read from the environment, and an access log
that never writes down a credential (the status lookup's query, a personal link's token)."""

import datetime
import logging
import os
import runpy
import types
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
ENV = [
    "GUNICORN_BIND",
    "PORT",
    "WEB_CONCURRENCY",
    "GUNICORN_THREADS",
    "GUNICORN_REUSE_PORT",
    "FORWARDED_ALLOW_IPS",
    "GUNICORN_ACCESS_LOG",
]


@pytest.fixture
def load(monkeypatch):
    """The configuration as gunicorn reads it, under the given environment."""
    for name in ENV:
        monkeypatch.delenv(name, raising=False)

    def load_with(**env) -> dict:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        namespace = runpy.run_path(str(CONF))
        return {
            name: value
            for name, value in namespace.items()
            if not name.startswith("_") and not isinstance(value, types.ModuleType)
        }

    return load_with


def gunicorn_config(settings: dict) -> Config:
    config = Config()
    for name, value in settings.items():
        config.set(name, value)  # each setting's own validator, as gunicorn loads the file
    return config


def test_every_name_in_it_is_a_gunicorn_setting(load):
    # gunicorn silently ignores a name it does not know: a typo would be a lost setting.
    settings = load()
    assert set(settings) <= set(Config().settings)
    gunicorn_config(settings).validate()


def test_the_access_log_format_has_no_query_string_request_line_or_referrer(load):
    log_format = load()["access_log_format"]

    assert "%(U)s" in log_format
    for leaky in ("%(r)s", "%(q)s", "%(f)s", "{raw_uri}", "{query_string}", "{referer}"):
        assert leaky not in log_format


def test_it_binds_where_the_environment_says(load):
    assert load()["bind"] == ["127.0.0.1:8000"]
    assert load(PORT="5000")["bind"] == ["0.0.0.0:5000"]
    assert load(PORT="5000", GUNICORN_BIND="unix:/run/web.sock,127.0.0.1:9000")["bind"] == [
        "unix:/run/web.sock",
        "127.0.0.1:9000",
    ]


def test_threaded_workers_one_per_core_unless_told(load):
    default = load()
    assert default["worker_class"] == "gthread"
    assert default["workers"] == len(os.sched_getaffinity(0))
    assert default["threads"] == 4
    told = load(WEB_CONCURRENCY="5", GUNICORN_THREADS="8")
    assert (told["workers"], told["threads"]) == (5, 8)


def test_each_worker_listens_on_its_own_socket_unless_told(load):
    # Kept-alive connections then spread over the workers instead of piling on one.
    assert load()["reuse_port"] is True
    assert load(GUNICORN_REUSE_PORT="0")["reuse_port"] is False


def test_workers_are_recycled_with_jitter_and_given_time_to_finish(load):
    settings = load()
    assert settings["max_requests"] > 0 and settings["max_requests_jitter"] > 0
    assert settings["graceful_timeout"] > 0 and settings["timeout"] > 0


def test_no_front_end_is_trusted_for_https_unless_configured(load):
    # Django's TRUST_PROXY_HEADERS decides; gunicorn's own default would trust 127.0.0.1.
    assert gunicorn_config(load()).forwarded_allow_ips == []
    configured = gunicorn_config(load(FORWARDED_ALLOW_IPS="10.0.0.0/8"))
    assert configured.forwarded_allow_ips == ["10.0.0.0/8"]


@pytest.fixture
def access_log(load, capsys):
    """Writes one access log line with the project's configuration; returns it."""
    settings = load()
    access_logger = logging.getLogger("gunicorn.access")
    filters_before = list(access_logger.filters)
    settings["on_starting"](None)

    def write(path: str, query: str = "") -> str:
        # Made here, in the test: its handler writes to sys.stdout as capsys has it now.
        logger = Logger(gunicorn_config(settings))
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?{query}" if query else path,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://service.example/partners/repair-status/?{query}",
            "HTTP_USER_AGENT": "Mozilla/5.0",
        }
        response = types.SimpleNamespace(status="200 OK", headers=[], sent=1234)
        request = types.SimpleNamespace(headers=[])
        logger.access(response, request, environ, datetime.timedelta(milliseconds=3))
        return capsys.readouterr().out

    yield write
    access_logger.filters[:] = filters_before
    for name in ("gunicorn.access", "gunicorn.error"):
        for handler in list(logging.getLogger(name).handlers):
            logging.getLogger(name).removeHandler(handler)


def test_a_status_lookup_is_logged_without_its_order_number_and_date(access_log):
    line = access_log("/partners/repair-status/", "order_number=7KQ2M9XW4D&intake_date=2026-11-25")

    assert '"GET /partners/repair-status/ HTTP/1.1" 200 1234' in line
    assert "7KQ2M9XW4D" not in line and "2026-11-25" not in line


def test_a_personal_links_token_is_cut_out_of_the_logged_path(access_log):
    line = access_log("/my/Zm9vYmFyLXNlY3JldC10b2tlbg/")

    assert '"GET /my/[token]/ HTTP/1.1"' in line
    assert "Zm9vYmFy" not in line
