"""MAILERS entries (Django 6.1's replacement of the EMAIL_* settings). No Django imports:
settings.py uses this module."""

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def smtp_mailer(
    *, host, port, username="", password="", use_tls=False, use_ssl=False, timeout=10
) -> dict:
    return {
        "BACKEND": SMTP_BACKEND,
        "OPTIONS": {
            "host": host,
            "port": port,
            "username": username,
            "password": password,
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": timeout,
        },
    }
