"""Settings for bench/bench_status.py only: the production settings plus the bare view's URL.

Never used by the site: production keeps dreame_service.urls, which has no bare view.
"""

import os

from dreame_service.settings import *  # noqa: F403

ROOT_URLCONF = "bench.status_urls"
# The benchmark renders pages without running collectstatic first, unless asked to keep the
# production storage (its manifest lookup is paid by every `{% static %}`, never by the bare
# view): BENCH_MANIFEST_STATIC=1, after collectstatic.
if os.environ.get("BENCH_MANIFEST_STATIC") != "1":
    STORAGES = {
        **STORAGES,  # noqa: F405
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
