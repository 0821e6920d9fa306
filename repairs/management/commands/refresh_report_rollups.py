"""Roll up the reports' changed months now (the beat task does it every few minutes).

`--all` recomputes every month with data: after a bulk load or a data fix that bypassed the
models' saves (a queryset update, raw SQL), which the roll-ups cannot see by themselves.
"""

import time

from django.core.management.base import BaseCommand

from repairs import rollups


class Command(BaseCommand):
    help = "Roll up the reports' changed months (--all: every month)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="every month with data")

    def handle(self, *args, **options):
        started = time.monotonic()
        months = rollups.refresh_stale_months(everything=options["all"])
        self.stdout.write(
            f"{len(months)} month(s) rolled up in {time.monotonic() - started:.1f} s"
            + (f": {months[0]:%m.%Y}–{months[-1]:%m.%Y}" if months else "")
        )
