"""Settings come from the environment: production variables pass `check --deploy`,
a production start without a secret key fails loudly, and models match migrations."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

# Variables that would change what settings.py computes; each test sets its own.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOW_INSECURE_DEV_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "TRUST_PROXY_HEADERS",
    "SECURE_SSL_REDIRECT",
    "SECURE_COOKIES",
    "SECURE_HSTS_SECONDS",
    # conftest.py sets this for the browser tests; `check --deploy` rightly refuses it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    # Empty but set, so a developer's .env (read by settings.py) cannot supply a key.
    base.update(SECRET_KEY="", ALLOW_INSECURE_DEV_KEY="")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_passes_the_deploy_check_under_production_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "service.dreame.kz",
            "CSRF_TRUSTED_ORIGINS": "https://service.dreame.kz",
            "TRUST_PROXY_HEADERS": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "EMAIL_URL": "smtp+tls://mailer:secret@smtp.dreame.kz:587",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_refuses_the_development_mail_backend(tmp_path):
    # Production without EMAIL_URL would write customers' e-mails to files.
    result = _manage(
        "check",
        "--deploy",
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )

    assert result.returncode != 0
    assert "mail.E001" in result.stdout + result.stderr


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _manage(
        "check",
        env={"DEBUG": "0", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change():
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations --check found model changes without migrations ({exc})")


def test_it_documents_every_variable_it_reads_in_env_example():
    read = set(
        re.findall(
            r"env\.\w+\(\s*\"([A-Z][A-Z0-9_]*)\"",
            (ROOT / "dreame_service" / "settings.py").read_text(encoding="utf-8"),
        )
    )
    documented = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M)
    )

    assert len(read) > 10, "the pattern no longer finds settings.py's variables"
    assert sorted(read - documented) == []
