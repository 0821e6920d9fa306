"""Read the support mailbox once (beat runs the same every minute): customers' replies land
in their claims' history, new messages become drafts for support (DESIGN §8)."""

import imaplib

from django.core.management.base import BaseCommand, CommandError

from notifications import mailbox


class Command(BaseCommand):
    help = "Read the support mailbox (SUPPORT_IMAP_URL) once and file what arrived."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="", help="Another mailbox than SUPPORT_IMAP_URL (imaps://…)."
        )

    def handle(self, *args, url: str = "", **options):
        if not url and not mailbox.is_configured():
            self.stdout.write(
                "The support mailbox is not configured (SUPPORT_IMAP_URL); nothing read."
            )
            return
        try:
            counts = mailbox.fetch_support_mail(url=url or None)
        except (OSError, imaplib.IMAP4.error) as error:
            # The server is down or refuses the login: the next run tries again.
            raise CommandError(f"The support mailbox could not be read: {error}") from error
        self.stdout.write(
            "Read {fetched} messages: {stored} new, {duplicates} already kept; "
            "{handed} filed or drafted.".format(**counts)
        )
