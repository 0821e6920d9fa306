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
    # What the e-mail's Message-ID header says (services.message_id_for): a customer's reply
    # names it in In-Reply-To/References, and one indexed query finds the row it answers.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=60)
    context = models.JSONField(_("context"), default=dict, blank=True)
    # Files in the private storage sent with the e-mail: [{"name", "filename", "mimetype"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    # Threading headers an answer carries ({"In-Reply-To": …, "References": …}): the
    # customer's mail client keeps the conversation together (services.THREAD_HEADERS).
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)
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


class PhoneMessage(models.Model):
    """One WhatsApp message or SMS in the outbox: the e-mail's row, for the phone.

    Written in the event's transaction like an e-mail; sent at most once per row (the
    WhatsApp Cloud API has no idempotency key, so a request whose answer was lost is never
    repeated: the row becomes `unknown` and its webhook tells the rest).
    """

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        # The request may have reached the provider, its answer did not reach us.
        UNKNOWN = "unknown", _("Unknown")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    event_key = models.CharField(_("event key"), max_length=120)
    # E.164, "+77011234567".
    recipient = models.CharField(_("recipient"), max_length=20)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    template = models.CharField(_("template"), max_length=60)
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=128, blank=True, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # When the request went out (also for `unknown`: when it may have).
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A WhatsApp message's SMS fallback (the customer's phone, when they chose SMS too).
    fallback_recipient = models.CharField(_("SMS fallback to"), max_length=20, blank=True)
    fallback_of = models.ForeignKey(
        "self",
        verbose_name=_("fallback of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fallbacks",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phone message")
        verbose_name_plural = _("phone messages")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient", "channel"],
                name="one_phone_message_per_event_recipient_channel",
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="phone_message_due_idx"),
            models.Index(fields=["status", "updated_at"], name="phone_message_status_idx"),
            models.Index(
                fields=["event_key"],
                name="phone_message_key_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return f"{self.channel}: {self.template} → {self.recipient}"


class PhoneStatusEvent(models.Model):
    """A status the provider reported for a message, kept once per (message, status):
    webhooks come repeated and in any order."""

    message = models.ForeignKey(
        PhoneMessage,
        verbose_name=_("message"),
        on_delete=models.CASCADE,
        related_name="status_events",
    )
    status = models.CharField(_("status"), max_length=10, choices=PhoneMessage.Status.choices)
    # The provider's time of the status, when it gave one.
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("phone message status")
        verbose_name_plural = _("phone message statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "status"], name="one_status_event_per_message_status"
            )
        ]

    def __str__(self):
        return f"{self.message_id}: {self.status}"


class WebhookDelivery(models.Model):
    """A provider's webhook POST, kept as received (after its signature was checked) and
    worked through after the answer: the provider gets its 200 at once, nothing is lost
    when the worker is busy or the broker is down (the sweeper works through the rest)."""

    class Provider(models.TextChoices):
        WHATSAPP = "whatsapp", _("WhatsApp")
        SMS = "sms", _("SMS")

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["received_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.provider} {self.received_at:%Y-%m-%d %H:%M:%S}"


class InboundPhoneMessage(models.Model):
    """A customer's own message (a WhatsApp reply), once per provider message id, handed
    to `settings.OUTBOX_INBOUND_HANDLERS` (claims files it in the claim's history)."""

    channel = models.CharField(_("channel"), max_length=10, choices=PhoneMessage.Channel.choices)
    provider_message_id = models.CharField(_("provider's message id"), max_length=128)
    sender = models.CharField(_("sender"), max_length=20)
    text = models.TextField(_("text"), blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("message from a customer")
        verbose_name_plural = _("messages from customers")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_message_id"], name="one_inbound_per_provider_id"
            )
        ]

    def __str__(self):
        return f"{self.channel} ← {self.sender}"


class InboundEmail(models.Model):
    """One message read from the support mailbox (notifications.mailbox), kept once per
    Message-ID with its raw .eml, then handed to `settings.SUPPORT_MAIL_HANDLERS` (claims
    files it in a claim's history or keeps it as a draft for support)."""

    class State(models.TextChoices):
        # Stored and marked read in the mailbox, not yet looked at by a handler.
        RECEIVED = "received", _("received")
        FILED = "filed", _("filed to a claim")
        DRAFT = "draft", _("no claim yet")
        ASIDE = "aside", _("set aside")

    class Aside(models.TextChoices):
        # Why a message is kept aside: a code, so each reader sees it in their language.
        UNREADABLE = "unreadable", _("The message cannot be read")
        NESTED = "nested", _("Too many parts, or parts nested too deeply")
        AUTOMATIC = "automatic", _("An automatic reply or a delivery report")
        NO_SENDER = "no_sender", _("No sender's address")
        TOO_LARGE = "too_large", _("Too large: only its headers are kept, it stays in the mailbox")
        NOT_FILED = "not_filed", _("Could not be filed (an error of the portal)")
        NOT_A_CLAIM = "not_a_claim", _("Not a claim (support's decision)")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    raw = models.FileField(_("original message"), upload_to="mail/%Y/%m/", blank=True)
    raw_size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    sender_name = models.CharField(_("sender's name"), max_length=150, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    in_reply_to = models.CharField(_("in reply to"), max_length=255, blank=True)
    references = models.TextField(_("references"), blank=True)
    # The message's own text (the HTML turned into text, never rendered), and what is new
    # in it: the quoted history and the signature trimmed.
    text = models.TextField(_("text"), blank=True)
    reply_text = models.TextField(_("new text"), blank=True)
    # [{"filename", "content_type", "size"}]: the files are read again from the raw message.
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    aside = models.CharField(_("why set aside"), max_length=12, choices=Aside.choices, blank=True)
    # Support's own words for "not a claim"; the technical detail of an error.
    reason = models.TextField(_("details"), blank=True)
    claim_number = models.CharField(_("filed to claim"), max_length=16, blank=True)
    # What could be read in it, for support to complete a draft.
    phones = models.JSONField(_("phone numbers"), default=list, blank=True)
    order_numbers = models.JSONField(_("order numbers"), default=list, blank=True)
    claim_numbers = models.JSONField(_("claim numbers"), default=list, blank=True)
    serial_numbers = models.JSONField(_("serial numbers"), default=list, blank=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_emails",
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("e-mail to support")
        verbose_name_plural = _("e-mails to support")

    def __str__(self):
        return f"{self.sender or '?'}: {self.subject or self.message_id}"
