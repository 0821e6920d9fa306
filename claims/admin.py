import datetime
import re
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import Combinable
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modeltranslation.admin import TranslationAdmin

from claims import phone_replies, search
from claims.forms import REGIONS
from claims.mail_replies import EMAIL_REPLY
from claims.models import (
    OPEN_STATES,
    AutoNote,
    Channel,
    Claim,
    ProductCategory,
    ProductModel,
    Verdict,
    WarrantyPolicy,
)
from claims.registration_admin import ClaimRegistrationMixin
from dreame_service.kit.admin_lists import DeskListMixin
from dreame_service.kit.formats import format_date
from dreame_service.kit.fsm import Stale
from dreame_service.kit.text_search import contains_folded

VALUE_NAME = re.compile(r"%\((\w+)\)s")  # a value an automatic note's text names

# --- The claim list's rules: the reply clock, the urgent order, the search ----------------

# The 10-day answer runs while support has the claim to decide: claims.models.OPEN_STATES.
SOON_DAYS = 3  # this many days left or fewer: amber
_IS_OPEN = Q(status__in=OPEN_STATES)
# Open claims by their deadline, then the rest newest first. Migration 0006 indexes exactly
# these expressions, so the first page is read off the index at any size.
MOST_URGENT_FIRST: list[str | Combinable] = [
    Case(When(_IS_OPEN, then=Value(0)), default=Value(1)).asc(),
    Case(When(_IS_OPEN, then=F("response_due_date"))).asc(),
    F("submitted_at").desc(),
    F("pk").desc(),
]
SHORT_VERDICTS = {
    Verdict.RETURN_REFUND: pgettext_lazy("verdict, short", "Return"),
    Verdict.REPLACE_OR_REFUND: pgettext_lazy("verdict, short", "Replacement"),
    Verdict.FREE_REPAIR: pgettext_lazy("verdict, short", "Warranty"),
    Verdict.PAID_REPAIR: pgettext_lazy("verdict, short", "Paid"),
}
SHORT_CHANNELS = {
    Channel.WEB: pgettext_lazy("channel, short", "Site"),
    Channel.EMAIL: pgettext_lazy("channel, short", "E-mail"),
    Channel.PHONE: pgettext_lazy("channel, short", "Call"),
    Channel.COUNTER: pgettext_lazy("channel, short", "Counter"),
}


def days_left(claim: Claim, *, today: datetime.date | None = None) -> int | None:
    """Days left to answer (negative: overdue); None once support has answered."""
    if claim.status not in OPEN_STATES:
        return None
    return (claim.response_due_date - (today or timezone.localdate())).days


@dataclass(frozen=True)
class ReplyClock:
    due_date: datetime.date
    days_left: int  # negative: overdue
    level: str  # "later", "soon" (amber: 3 days or fewer) or "overdue" (red)
    text: str | Promise  # "5 d.", "due today" (lazy) or "overdue by 2 d."


def reply_clock(claim: Claim) -> ReplyClock | None:
    """The 10-day answer's clock, for the list and the claim's page; None once answered."""
    left = days_left(claim)
    if left is None:
        return None
    level: str
    text: str | Promise
    if left < 0:
        level, text = "overdue", _("overdue by %(days)d d.") % {"days": -left}
    elif left == 0:
        level, text = "soon", _("due today")
    else:
        level, text = ("soon" if left <= SOON_DAYS else "later"), _("%(days)d d.") % {"days": left}
    return ReplyClock(due_date=claim.response_due_date, days_left=left, level=level, text=text)


def reply_clock_filter(kind: str, *, today: datetime.date | None = None) -> Q | None:
    """Open claims whose reply is overdue, due within 3 days, or due later."""
    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=SOON_DAYS)
    ranges = {
        "overdue": Q(response_due_date__lt=today),
        "soon": Q(response_due_date__gte=today, response_due_date__lte=soon),
        "later": Q(response_due_date__gt=soon),
    }
    return _IS_OPEN & ranges[kind] if kind in ranges else None


def claims_matching(readings: search.Readings):
    """Claims any reading names. Each reading is an exact (or trigram) match on its own
    index, OR-ed in one query: the phone in E.164 as stored, never a LIKE on the phone."""
    found = Q(pk__in=[])
    if readings.claim_number:
        found |= Q(number=readings.claim_number)
    if readings.phone:
        found |= Q(phone=readings.phone) | Q(whatsapp=readings.phone)
    if readings.email:
        found |= Q(email__iexact=readings.email)
    if readings.serial_number:
        found |= Q(serial_number__iexact=readings.serial_number)
    # Parts of a name or an e-mail, in any case and alphabet («айгерим»). On PostgreSQL
    # UPPER(col) LIKE '%…%' is served by the trigram indexes claim_name_trgm and
    # claim_email_trgm (migrations 0006, 0011); elsewhere it scans, which small sites afford.
    if readings.name:
        found |= contains_folded("full_name", readings.name)
    if readings.email_part:
        found |= contains_folded("email", readings.email_part)
    return Claim.objects.filter(found)


def titled_filter(filter_class, title):
    """A field's filter under a title of our choosing (the field's own is lower case)."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class CapitalisedChoicesFilter(admin.ChoicesFieldListFilter):
    """A field's choices as the other filters show theirs: «Звонок по телефону», where the
    model's labels are written to sit inside a sentence."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": capfirst(choice["display"])}


class RegionFilter(admin.SimpleListFilter):
    # The form's fixed list: no SELECT DISTINCT over every claim to build the choices.
    title = pgettext_lazy("admin", "Region")
    parameter_name = "region"

    def lookups(self, request, model_admin):
        return REGIONS

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(region=value) if value else queryset


class SubmittedFilter(admin.SimpleListFilter):
    """New claims by when they came in: a range on the indexed submitted_at. The link for
    "new today" (`?submitted=today`): year/month/day lookups extract the day of every row."""

    title = pgettext_lazy("admin", "Submitted")
    parameter_name = "submitted"
    DAYS = {"today": 0, "week": 6}

    def lookups(self, request, model_admin):
        return [("today", _("Today")), ("week", _("Last 7 days"))]

    def queryset(self, request, queryset):
        if self.value() not in self.DAYS:
            return queryset
        first_day = timezone.localdate() - datetime.timedelta(days=self.DAYS[self.value()])
        start = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time()))
        return queryset.filter(submitted_at__gte=start)


class ReplyClockFilter(admin.SimpleListFilter):
    title = pgettext_lazy("admin", "Reply due")
    parameter_name = "reply_clock"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Within 3 days")),
            ("later", _("Later")),
        ]

    def queryset(self, request, queryset):
        condition = reply_clock_filter(self.value() or "")
        return queryset if condition is None else queryset.filter(condition)


class AwaitingAnswerFilter(admin.SimpleListFilter):
    """Claims whose customer wrote (an e-mail, a WhatsApp message) and no one on our side
    has acted since: `phone_replies.unanswered_replies`."""

    title = pgettext_lazy("admin", "Awaiting an answer")
    parameter_name = "awaiting"
    KINDS = {
        "any": phone_replies.CUSTOMER_MESSAGES,
        "email": (EMAIL_REPLY,),
        "whatsapp": (phone_replies.WHATSAPP_REPLY,),
    }

    def lookups(self, request, model_admin):
        return [
            ("any", _("E-mails and WhatsApp")),
            ("email", _("E-mails")),
            ("whatsapp", "WhatsApp"),
        ]

    def queryset(self, request, queryset):
        kinds = self.KINDS.get(self.value() or "")
        if kinds is None:
            return queryset
        return phone_replies.unanswered_replies(queryset, transitions=kinds)


@admin.register(Claim)
class ClaimAdmin(ClaimRegistrationMixin, DeskListMixin, admin.ModelAdmin):
    """Claims as support triages them; `repairs.admin` adds the approval (it opens an order).
    Support registers a claim that came by e-mail or phone on the add page."""

    # The list: few, short columns (it fits 1280 px beside the filters), no per-row query,
    # the most urgent reply first; repairs adds the assigned center (ClaimListMixin).
    list_display = [
        "number",
        "status_badge",
        "age",
        "verdict_badge",
        "product_name",
        "city",
        "channel_badge",
        "reply",
    ]
    list_filter = [
        ("status", titled_filter(admin.ChoicesFieldListFilter, pgettext_lazy("admin", "Status"))),
        ("verdict", titled_filter(admin.ChoicesFieldListFilter, pgettext_lazy("admin", "Verdict"))),
        ("channel", titled_filter(CapitalisedChoicesFilter, _("Came by"))),
        RegionFilter,
        ReplyClockFilter,
        AwaitingAnswerFilter,
        SubmittedFilter,
    ]
    ordering = MOST_URGENT_FIRST  # sortable_by, paging, counts: DeskListMixin's
    search_fields = ["number"]  # shows the box; matching_ids reads every field itself
    search_help_text = _(
        "Claim or order number, phone, e-mail or part of it, serial number or name. "
        "A single match opens at once."
    )
    # The claim page and its steps are repairs' TriageClaimAdmin (approval opens an order).
    actions = []

    # --- The list ------------------------------------------------------------------

    @admin.display(description=pgettext_lazy("admin", "Status"))
    def status_badge(self, claim):
        return format_html(
            '<span class="status-badge status-badge--{}">{}</span>',
            claim.status,
            claim.get_status_display(),
        )

    @admin.display(description=pgettext_lazy("admin", "Age"))
    def age(self, claim):
        days = (timezone.localdate() - claim.submitted_date).days
        return format_html(
            '<span title="{}">{}</span>',
            format_date(claim.submitted_date),
            _("%(days)d d.") % {"days": days},
        )

    @admin.display(description=pgettext_lazy("admin", "Verdict"))
    def verdict_badge(self, claim):
        return format_html(
            '<span class="verdict-badge verdict-badge--{}" title="{}">{}</span>',
            claim.verdict,
            claim.get_verdict_display(),
            SHORT_VERDICTS.get(claim.verdict, claim.get_verdict_display()),
        )

    @admin.display(description=_("Product"))
    def product_name(self, claim):
        # Every product is a DREAME: the brand would only widen the column.
        return format_html(
            '<span title="{}">{}</span>',
            claim.product_model,
            claim.product_model.removeprefix("DREAME ").removeprefix("Dreame "),
        )

    # A short heading: the list fits 1280 px only with every column as narrow as it can be.
    @admin.display(description=pgettext_lazy("admin", "Channel"))
    def channel_badge(self, claim):
        return format_html(
            '<span title="{}">{}</span>',
            claim.get_channel_display(),
            SHORT_CHANNELS.get(claim.channel, claim.get_channel_display()),
        )

    @admin.display(description=pgettext_lazy("admin", "Reply due"))
    def reply(self, claim):
        clock = reply_clock(claim)
        if clock is None:
            return "—"
        due = _("Answer due by %(date)s") % {"date": format_date(clock.due_date)}
        # Coloured by static/css/admin-lists.css (no inline style: a strict CSP forbids it).
        return format_html(
            '<span class="reply-clock reply-clock--{}" title="{}">{}</span>',
            clock.level,
            due,
            clock.text,
        )

    def matching_ids(self, term: str):
        """The ids of the claims `term` names, as a subquery; None if it names nothing."""
        readings = search.parse(term)
        if readings is None:
            return None
        return claims_matching(readings).values("pk")

    def run_for_each(self, request, queryset, action, success_message):
        done = 0
        for claim in queryset.order_by("pk"):
            try:
                action(claim)
                done += 1
            except (Stale, PermissionDenied, ValidationError):
                self.message_user(
                    request,
                    _("Claim %(number)s: not possible in its current state.")
                    % {"number": claim.number},
                    messages.WARNING,
                )
        if done:
            self.message_user(request, success_message % {"count": done}, messages.SUCCESS)

    def has_triage_permission(self, request):
        return request.user.has_perm("claims.triage_claim")


@admin.register(WarrantyPolicy)
class WarrantyPolicyAdmin(admin.ModelAdmin):
    list_display = ["country", "return_days", "replace_days", "repair_months", "response_days"]


@admin.register(ProductModel)
class ProductModelAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "is_active"]
    list_filter = ["is_active", "category"]
    list_select_related = ["category"]
    search_fields = ["name"]


# --- Reference data in ru, kk and en (claims.translation): each language side by side ----


@admin.register(ProductCategory)
class ProductCategoryAdmin(TranslationAdmin):
    """A category's name in every language; its code is what the data refers to."""

    list_display = ["name", "code"]
    search_fields = ["code", "name_ru", "name_kk", "name_en"]
    fieldsets = [(None, {"fields": ["code", "name"]})]  # name: ru, kk, en in this order

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


class AutoNoteForm(forms.ModelForm):
    class Meta:
        # A sentence: the whole of it in view.
        widgets = {
            f"text_{language}": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})
            for language in ("ru", "kk", "en")
        }

    def clean(self):
        cleaned = super().clean()
        names = set(VALUE_NAME.findall(self.instance.text_ru or "")) if self.instance.pk else None
        for field in ("text_ru", "text_kk", "text_en"):
            text = cleaned.get(field) or ""
            found = set(VALUE_NAME.findall(text))
            try:
                text % dict.fromkeys(found, "")
            except (KeyError, ValueError, TypeError):
                self.add_error(
                    field, _("The text cannot be filled in: check its percent signs and values.")
                )
                continue
            if names is not None and found != names:
                self.add_error(
                    field,
                    _("The text must keep these values, as they are: %(values)s.")
                    % {"values": ", ".join(f"%({name})s" for name in sorted(names)) or "—"},
                )
        return cleaned


@admin.register(AutoNote)
class AutoNoteAdmin(TranslationAdmin):
    """The texts of the history's automatic notes: the portal writes them under a code,
    so support edits their words, never adds or removes one."""

    form = AutoNoteForm
    list_display = ["text", "code"]
    readonly_fields = ["code"]
    fieldsets = [(None, {"fields": ["code", "text"]})]  # text: ru, kk, en in this order

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


from claims import mail_admin  # noqa: E402, F401 - registers the mailbox admin
