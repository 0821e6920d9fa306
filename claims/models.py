import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from modeltranslation.manager import MultilingualManager
from phonenumber_field.modelfields import PhoneNumberField

from claims import links, warranty


class Verdict(models.TextChoices):
    RETURN_REFUND = warranty.RETURN_REFUND, _("Return and refund")
    REPLACE_OR_REFUND = warranty.REPLACE_OR_REFUND, _("Replacement or refund")
    FREE_REPAIR = warranty.FREE_REPAIR, _("Free warranty repair")
    PAID_REPAIR = warranty.PAID_REPAIR, _("Paid repair")


class WarrantyPolicy(models.Model):
    """The after-sales policy of one country: data, editable by support in admin."""

    country = models.CharField(_("country code"), max_length=2, unique=True)
    return_days = models.PositiveSmallIntegerField(_("unconditional return, days"), default=15)
    replace_days = models.PositiveSmallIntegerField(
        _("replacement or refund if faulty, days"), default=30
    )
    repair_months = models.PositiveSmallIntegerField(_("free repair, months"), default=12)
    response_days = models.PositiveSmallIntegerField(
        _("days to answer a written claim"), default=10
    )

    class Meta:
        verbose_name = _("warranty policy")
        verbose_name_plural = _("warranty policies")

    def __str__(self):
        return self.country


class ProductCategory(models.Model):
    """A kind of product (robot vacuum, hair dryer): its name in ru, kk and en
    (claims.translation) under a stable code that the reference data refers to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)

    objects = MultilingualManager()  # reads the active language's fields

    class Meta:
        ordering = ["code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")

    def __str__(self):
        return self.name


class ProductModel(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.ForeignKey(
        ProductCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="product_models",
    )
    is_active = models.BooleanField(_("offered in the claim form"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product model")
        verbose_name_plural = _("product models")

    def __str__(self):
        return self.name


# How long the personal link keeps working after the case ended.
LINK_DAYS_AFTER_END = datetime.timedelta(days=90)


def link_works_after(ended_at: datetime.datetime | None) -> bool:
    """Whether the personal link of a case that ended at `ended_at` (None: still open)
    opens «Мой ремонт» now (DESIGN §4)."""
    return ended_at is None or timezone.now() < ended_at + LINK_DAYS_AFTER_END


class Channel(models.TextChoices):
    """The door a claim came in by (DESIGN §8): each gets the same number, e-mails and link."""

    WEB = "web", _("claim form on the site")
    EMAIL = "email", _("e-mail")
    PHONE = "phone", _("phone call")
    COUNTER = "counter", _("service center's counter")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    NEEDS_INFO = "needs_info", _("Information requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Closed")


# Support has the claim to decide: its 10-day answer runs, and the customer may withdraw it.
OPEN_STATES = (ClaimStatus.SUBMITTED, ClaimStatus.NEEDS_INFO)
ENDED_STATES = (ClaimStatus.REJECTED, ClaimStatus.CLOSED)


class Claim(ConcurrentTransitionMixin, models.Model):
    number = models.CharField(_("claim number"), max_length=16, unique=True, editable=False)
    status = FSMField(
        _("status"),
        max_length=20,
        choices=ClaimStatus.choices,
        default=ClaimStatus.SUBMITTED,
        protected=True,
        db_index=True,
    )
    verdict = models.CharField(_("preliminary verdict"), max_length=20, choices=Verdict.choices)
    language = models.CharField(
        _("customer's language"), max_length=5, choices=settings.LANGUAGES, default="ru"
    )
    channel = models.CharField(
        _("came by"), max_length=10, choices=Channel.choices, default=Channel.WEB
    )
    # Who typed the claim in for the customer (support or a technician); empty for the web form.
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="registered_claims",
    )

    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    phone = PhoneNumberField(_("phone"))
    whatsapp = PhoneNumberField(_("WhatsApp"), blank=True)
    # News on the phone (DESIGN §7): off unless the customer ticked them; no consent, no
    # message on that channel. What was shown and when is kept with each change.
    notify_whatsapp = models.BooleanField(_("news on WhatsApp"), default=False)
    notify_sms = models.BooleanField(_("news by SMS"), default=False)
    region = models.CharField(_("region"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=6)

    product = models.ForeignKey(
        ProductModel,
        verbose_name=_("product from the catalogue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
    )
    product_model = models.CharField(_("product model"), max_length=120)
    serial_number = models.CharField(_("serial number"), max_length=64)
    purchase_date = models.DateField(_("purchase date"))
    seller = models.CharField(_("seller"), max_length=150)
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    # Support and the counter may register a claim without the receipt, but say why.
    receipt_missing_reason = models.CharField(
        _("why there is no receipt"), max_length=300, blank=True
    )
    fault_description = models.TextField(_("fault description"), max_length=5000)

    info_request = models.TextField(_("information requested"), blank=True)
    supplement_text = models.TextField(_("customer's supplement"), blank=True)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)

    # The personal link's secret part (claims.links); a new one revokes the old link.
    link_key = models.CharField(
        _("personal link key"),
        max_length=32,
        unique=True,
        default=links.new_link_key,
        editable=False,
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)
    response_due_date = models.DateField(_("answer due by"))
    # Support's first move out of «submitted» (a question, an approval, a rejection): it
    # stops the 10-day reply clock, and the reports count it in time or late.
    first_answer_at = models.DateTimeField(
        _("first answered at"), null=True, blank=True, editable=False
    )
    # The same claim sent twice at once (a double click, a retried POST) collides here:
    # a hash of who, what and the 10-minute slot it was sent in (claims.services).
    duplicate_key = models.CharField(
        _("duplicate guard"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    # When the case ended (rejected, withdrawn, or its repair order finished): the personal
    # link works for LINK_DAYS_AFTER_END more days.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        permissions = [("triage_claim", _("Can triage claims"))]
        indexes = [
            # Searches by the phone (stored E.164, so a normalised query is an exact match)
            # and by the serial number in any case.
            models.Index(fields=["phone"], name="claim_phone"),
            models.Index(Upper("serial_number"), name="claim_serial_upper"),
            # The reports' overdue claims (unanswered, past their due date): found by the
            # date without a scan, the month read from the index.
            models.Index(
                fields=["response_due_date", "submitted_at"],
                condition=Q(first_answer_at__isnull=True, status__in=OPEN_STATES),
                name="claim_unanswered",
            ),
            # The dashboard's open-claim figures (waiting for information, reply overdue,
            # due soon) counted off this index alone: at a million claims the table holds
            # 150,000 open ones, too many to fetch row by row (issue 23).
            models.Index(
                fields=["status", "response_due_date"],
                condition=Q(status__in=OPEN_STATES),
                name="claim_open_due",
            ),
            # The submission instant by id: the dashboard's median return joins 25,000
            # orders to their claims off this index, not 25,000 random rows (issue 23).
            models.Index(fields=["id", "submitted_at"], name="claim_submitted_by_id"),
        ]

    def __str__(self):
        return self.number

    @property
    def link_works(self) -> bool:
        """Whether the personal link still opens «Мой ремонт» (DESIGN §4)."""
        return link_works_after(self.ended_at)

    @property
    def submitted_date(self) -> datetime.date:
        return timezone.localdate(self.submitted_at)

    # Transitions only set fields; services lock, save, log and notify.
    @transition(
        field=status,
        source=ClaimStatus.SUBMITTED,
        target=ClaimStatus.NEEDS_INFO,
        permission="claims.triage_claim",
    )
    def request_info(self, *, message: str):
        self.info_request = message
        self._answered()

    @transition(field=status, source=ClaimStatus.NEEDS_INFO, target=ClaimStatus.SUBMITTED)
    def supplement(self, *, text: str):
        self.supplement_text = "\n\n".join(filter(None, [self.supplement_text, text]))

    @transition(
        field=status,
        source=ClaimStatus.SUBMITTED,
        target=ClaimStatus.APPROVED,
        permission="claims.triage_claim",
    )
    def approve(self):
        self._answered()

    @transition(
        field=status,
        source=ClaimStatus.SUBMITTED,
        target=ClaimStatus.REJECTED,
        permission="claims.triage_claim",
    )
    def reject(self, *, reason: str):
        self.rejection_reason = reason
        self._answered()

    def _answered(self) -> None:
        if self.first_answer_at is None:
            self.first_answer_at = timezone.now()

    @transition(field=status, source=ClaimStatus.APPROVED, target=ClaimStatus.CLOSED)
    def close(self):
        pass

    @transition(field=status, source=OPEN_STATES, target=ClaimStatus.CLOSED)
    def withdraw(self):
        pass


class AttachmentKind(models.TextChoices):
    """What a file the customer added is: a receipt sent again (support asked for it), or
    anything else they were asked for (photos of the serial number, documents)."""

    RECEIPT = "receipt", _("receipt")
    FILE = "file", _("photo or document")
    # Attached to the customer's e-mail to support (claims.mail_replies).
    EMAIL = "email", _("attached to an e-mail")


class ClaimAttachment(models.Model):
    """A file the customer added later through the supplement link; the receipt stays."""

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/")
    kind = models.CharField(
        _("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.FILE
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.claim.number}: {self.file.name}"


class StatusEvent(models.Model):
    """One row per transition of a claim or of its repair order: who, when, from, to.

    A claim and its repair order are one case, so their history is one list, kept here
    at the upstream end: `claims` writes its rows without knowing repairs exist. An
    order's rows say `subject=order`; the order is the claim's one order, so no foreign
    key to `repairs` is needed (and none would be allowed).
    """

    class Subject(models.TextChoices):
        CLAIM = "claim", _("claim")
        ORDER = "order", _("repair order")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="status_events"
    )
    subject = models.CharField(
        _("of"), max_length=5, choices=Subject.choices, default=Subject.CLAIM
    )
    transition = models.CharField(_("transition"), max_length=40)
    from_status = models.CharField(_("from"), max_length=20)
    to_status = models.CharField(_("to"), max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="status_events",
    )
    # The customer acted through their personal link or a public form (no user account).
    by_customer = models.BooleanField(_("by the customer"), default=False)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    public_note = models.TextField(_("note for the customer"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    # A note the portal writes itself: the code of its text (AutoNote) and the values it
    # names, read in the reader's language (claims.notes), beside what a person typed.
    note_code = models.CharField(_("automatic note"), max_length=40, blank=True)
    note_params = models.JSONField(_("automatic note's values"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status event")
        verbose_name_plural = _("status events")
        indexes = [
            models.Index(fields=["claim", "subject"], name="statusevent_claim_subject"),
            # The customers' messages (claims.phone_replies.CUSTOMER_MESSAGES; literals, as
            # that module imports this one): the dashboard's "awaiting an answer" starts
            # from these few rows instead of probing 3.5 million (issue 23).
            models.Index(
                fields=["claim", "created_at"],
                condition=Q(transition__in=["whatsapp_reply", "email_reply"]),
                name="statusevent_customer_message",
            ),
        ]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"


class LinkRequest(models.Model):
    """Someone asked for their personal link again ("I lost the e-mail"): the contact as
    typed, waiting for the worker. The request writes this row for every contact alike and
    never looks the contact up itself, so a known and an unknown one cost it the same; the
    row is deleted when it is answered (claims.link_requests), keeping no contact around."""

    contact = models.CharField(_("e-mail or phone"), max_length=100)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("link request")
        verbose_name_plural = _("link requests")

    def __str__(self):
        return f"{self.pk} ({self.requested_at:%Y-%m-%d %H:%M})"


class AutoNote(models.Model):
    """The text of a note the portal writes itself into the history («Answered online
    through «My repair»: accepted, 45 000 ₸.»), in ru, kk and en (claims.translation).
    History rows keep its code and values, so each reader reads it in their language."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    text = models.CharField(
        _("text"),
        max_length=300,
        help_text=_("Values in %(name)s form are filled in by the portal: keep them as they are."),
    )

    objects = MultilingualManager()  # reads the active language's fields

    class Meta:
        ordering = ["code"]
        verbose_name = _("automatic note")
        verbose_name_plural = _("automatic notes")

    def __str__(self):
        return Truncator(self.text).chars(60)  # in the reader's language, not its code


class ChannelConsent(models.Model):
    """One change of the customer's choice of news on the phone (DESIGN §7): which channel,
    on or off, the words they were shown (in their language) and when and where they chose.
    The claim's `notify_whatsapp` / `notify_sms` hold the choice in force."""

    class Channel(models.TextChoices):
        WHATSAPP = "whatsapp", "WhatsApp"
        SMS = "sms", "SMS"

    class Where(models.TextChoices):
        CLAIM_FORM = "claim_form", _("claim form")
        MY_REPAIR = "my_repair", _("«My repair»")
        SUPPORT_CALL = "support_call", _("call to support")

    claim = models.ForeignKey(
        Claim, verbose_name=_("claim"), on_delete=models.CASCADE, related_name="channel_consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    given = models.BooleanField(_("consent given"))
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    where = models.CharField(_("where"), max_length=12, choices=Where.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("choice of news on the phone")
        verbose_name_plural = _("choices of news on the phone")

    def __str__(self):
        return f"{self.claim_id} {self.channel} {self.given}"
