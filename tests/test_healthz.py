"""/healthz: database and broker health for the load balancer, and nothing else."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from dreame_service.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def _closed_port() -> int:
    """A local port nobody listens on: bound once, then released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def broker_at_closed_port(monkeypatch):
    """Point the Celery app (not only Django's settings: Celery read them at import) at nothing."""
    for name in ("CELERY_BROKER_URL", "CELERY_BROKER_WRITE_URL"):
        monkeypatch.delenv(name, raising=False)  # these would win over the app's conf
    conf = celery_app.conf
    keys = ("broker_url", "broker_write_url", "task_always_eager")
    saved = {key: conf.get(key) for key in keys}
    conf.update(
        broker_url=f"redis://127.0.0.1:{_closed_port()}/0",
        broker_write_url=None,
        task_always_eager=False,
    )
    yield
    conf.update(saved)


@pytest.mark.django_db
def test_it_answers_ok_for_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    # Exactly these keys: the endpoint is public and never shows data.
    assert response.json() == {"database": "ok", "broker": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_it_checks_the_real_redis_broker(client, redis_url):
    assert celery_app.conf.task_always_eager is False, "with REDIS_URL Celery must use Redis"
    assert celery_app.conf.broker_url == redis_url

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "storage": "ok"}


@pytest.mark.django_db
def test_it_answers_503_when_the_broker_is_down(client, broker_at_closed_port):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "down", "storage": "ok"}


def test_it_refuses_writes(client):
    response = client.post("/healthz")

    assert response.status_code == 405


def test_it_answers_503_in_a_process_whose_database_and_redis_are_gone(tmp_path):
    """A fresh process, as the load balancer sees it after both services died."""
    closed = _closed_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dreame_service.settings",
        "DEBUG": "1",
        "SECRET_KEY": "healthz-test-key",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed}/nothing",
        "REDIS_URL": f"redis://127.0.0.1:{closed}/0",
        "REDIS_SOCKET_TIMEOUT": "0.5",
        "LOG_LEVEL": "CRITICAL",
    }
    for name in (
        "CELERY_BROKER_URL",
        "CELERY_BROKER_WRITE_URL",
        "CELERY_TASK_ALWAYS_EAGER",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    script = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client(HTTP_HOST='localhost').get('/healthz')\n"
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert (answer["body"]["database"], answer["body"]["broker"]) == ("down", "down")


@pytest.mark.django_db
def test_it_answers_503_when_the_private_folder_cannot_be_used(client, settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("the folder's place is taken by a file")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"


@pytest.mark.django_db
@pytest.mark.usefixtures("s3_endpoint")
def test_it_checks_the_s3_bucket(client, settings):
    assert client.get("/healthz").json()["storage"] == "ok"
    default = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**default, "OPTIONS": {**default["OPTIONS"], "bucket_name": "no-such-bucket"}},
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"
