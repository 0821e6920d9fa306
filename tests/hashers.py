"""The password hasher of the test runs (conftest.py puts it first in PASSWORD_HASHERS).

Production's PBKDF2 takes 1.5 million iterations, about half a second a password on this
machine: the login tests (django-axes counts 20 and more wrong passwords per test) spent most
of their time there. This is the same algorithm at 1,000 iterations. Its hashes name their
own count (`pbkdf2_sha256$1000$…`), so production's hasher verifies them: a gunicorn started
by a test, on production settings, logs in a user the test made."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class QuickPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000
