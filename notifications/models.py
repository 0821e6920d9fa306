from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One e-mail in the outbox, written in the same transaction as the event that causes it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    event_key = models.CharField(
        _("event key"),
        max_length=120,
        help_text=_(
            "What happened, e.g. claim:CL-123:approved; one e-mail per event and recipient."
        ),
    )
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=60)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Files in the private storage sent with the e-mail: [{"name", "filename", "mimetype"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # When the row may be tried (again): now when written, later during a retry's backoff.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="one_notification_per_event_recipient"
            )
        ]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
            # "Every e-mail of this claim": a prefix search on the key (`LIKE 'claim:CL-…:%'`),
            # which a plain btree serves only under the C collation.
            models.Index(
                fields=["event_key"],
                name="notification_key_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.template} → {self.recipient}"
