"""Marking outbox rows sent without waiting for the database (issue 23).

Each row is marked as soon as the mail server has taken its e-mail. Waiting for that
UPDATE's answer cost the worker about as long as rendering an e-mail, so on PostgreSQL the
UPDATE goes out on a connection of its own and its answer is read just before the next
one, while the worker renders the next e-mail. The UPDATE is its own transaction, committed
by the server as soon as it arrives, whether or not anyone reads the answer: the row is no
later in the database than it would be with Django's `update()`.

The Celery worker asks for this (`unwaited`, per thread) and keeps that connection, as it
keeps its SMTP connection. Everywhere else, a task run eagerly in a web request (no
broker), inside a transaction (tests; a caller's `atomic`) and on SQLite, the mark is
Django's `update()`: a second connection could not see the caller's rows, and a web process
should not keep one.
"""

import contextlib
import logging
import os
import threading

from django.db import connection
from django.utils import timezone

from notifications.models import Notification

logger = logging.getLogger(__name__)

_UPDATE = (
    f"UPDATE {Notification._meta.db_table} SET status = $1, last_error = '', "
    "sent_at = $2, updated_at = $2 WHERE id = $3 AND status = $4"
).encode()


class SentMarks(threading.local):
    def __init__(self):
        self.unwaited = False  # set by the worker's task for the length of one call
        self.raw = None  # a psycopg connection of this process's own
        self.pid = 0
        self.waiting: int | None = None  # the row whose UPDATE's answer is still unread

    def mark(self, notification_id: int) -> None:
        if not self.unwaited or connection.vendor != "postgresql" or connection.in_atomic_block:
            _mark_now(notification_id)
            return
        self.wait()
        now = timezone.now().isoformat().encode()
        params = [Notification.Status.SENT.encode(), now, str(notification_id).encode()]
        try:
            pgconn = self._connection().pgconn
            pgconn.send_query_params(_UPDATE, [*params, Notification.Status.SENDING.encode()])
            pgconn.flush()
        except Exception:
            # A broken connection: this mark waits for Django's, the next one reconnects.
            logger.warning("Marking outbox row %s with Django's connection", notification_id)
            self.close()
            _mark_now(notification_id)
            return
        self.waiting = notification_id

    def wait(self) -> None:
        """Read the answer to the last UPDATE sent, if it is not read yet. If it did not
        land (the connection broke), make it again with Django's connection: the UPDATE
        changes only a row still "sending", so making it twice is harmless."""
        if self.waiting is None:
            return
        notification_id, self.waiting = self.waiting, None
        try:
            pgconn = self.raw.pgconn
            errors = []
            while (result := pgconn.get_result()) is not None:
                if result.error_message:
                    errors.append(result.error_message.decode(errors="replace").strip())
        except Exception as error:
            errors = [repr(error)]
        if errors:
            logger.warning("Marking outbox row %s again: %s", notification_id, errors)
            self.close()
            _mark_now(notification_id)

    def _connection(self):
        if self.raw is not None and self.pid != os.getpid():
            self.raw = None  # a forked pool child: that socket is the parent's
        if self.raw is None or self.raw.closed:
            self.raw = connection.get_new_connection(connection.get_connection_params())
            self.raw.autocommit = True
            self.raw.pgconn.nonblocking = 0  # send and wait as plain libpq calls: no psycopg loop
            self.pid = os.getpid()
        return self.raw

    def close(self) -> None:
        raw, self.raw, self.waiting = self.raw, None, None
        if raw is not None and self.pid == os.getpid():
            with contextlib.suppress(Exception):  # closing a broken connection: it is gone
                raw.close()


def _mark_now(notification_id: int) -> None:
    now = timezone.now()
    Notification.objects.filter(pk=notification_id, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, last_error="", sent_at=now, updated_at=now
    )
