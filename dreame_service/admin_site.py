"""Support's admin site: the header, the day's dashboard, Russian titles, the login.

`SupportAdminSite` is the default admin site (dreame_service.apps.SupportAdminConfig), so
every app's `admin.site.register(...)` lands here unchanged. What it adds:

- the header «DREAME Сервис — поддержка» and the titles, translatable;
- the index is the day's dashboard (repairs.admin.dashboard) above the list of models;
- page titles in the right grammatical case: Django builds «Выберите %s для изменения»
  from the nominative verbose_name («Выберите заявка…»). Every model page passes through
  `admin_view`; there a title Django built is replaced by ours, with the model's noun from
  ACCUSATIVE below, and a title a ModelAdmin set itself is left alone. Nothing in the
  apps' ModelAdmins changes;
- a login that tells a technician where their login is, instead of "wrong password";
- django-axes hooks: the two locks (pair and address) and the alert on one username, the
  client address, the lockout page, superuser-only lockout records.
"""

import functools
import logging

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import mail_admins
from django.db.models import Sum
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dreame_service.kit import ratelimit
from dreame_service.kit.ratelimit import client_address

logger = logging.getLogger(__name__)

# --- Titles in the right case ------------------------------------------------------
# Django's titles put the nominative verbose_name where Russian (and Kazakh) need the
# accusative: «Выберите заявка для изменения». Each model names its accusative here; a
# test fails when a registered model has none. English takes the msgid as it is.
ACCUSATIVE = {
    "auth.group": pgettext_lazy("accusative", "group"),
    "auth.user": pgettext_lazy("accusative", "user"),
    "axes.accessattempt": pgettext_lazy("accusative", "access attempt"),
    "axes.accessfailurelog": pgettext_lazy("accusative", "access failure"),
    "axes.accesslog": pgettext_lazy("accusative", "access log"),
    "claims.claim": pgettext_lazy("accusative", "claim"),
    "claims.claimattachment": pgettext_lazy("accusative", "attachment"),
    "claims.autonote": pgettext_lazy("accusative", "automatic note"),
    "claims.productcategory": pgettext_lazy("accusative", "product category"),
    "claims.productmodel": pgettext_lazy("accusative", "product model"),
    "claims.statusevent": pgettext_lazy("accusative", "status event"),
    "claims.warrantypolicy": pgettext_lazy("accusative", "warranty policy"),
    "notifications.inboundemail": pgettext_lazy("accusative", "e-mail to support"),
    "notifications.notification": pgettext_lazy("accusative", "e-mail notification"),
    "notifications.phonemessage": pgettext_lazy("accusative", "phone message"),
    "repairs.accessorychecklist": pgettext_lazy("accusative", "accessory checklist"),
    "repairs.faultcategory": pgettext_lazy("accusative", "fault category"),
    "repairs.intakeact": pgettext_lazy("accusative", "intake act"),
    "repairs.intakephoto": pgettext_lazy("accusative", "intake photo"),
    "repairs.repairorder": pgettext_lazy("accusative", "repair order"),
    "repairs.servicecenter": pgettext_lazy("accusative", "service center"),
    "repairs.shipment": pgettext_lazy("accusative", "shipment"),
    "repairs.technician": pgettext_lazy("accusative", "technician"),
}
# Django's title (its msgid, filled with the nominative) -> ours, with the accusative.
TITLES = {
    "Select %s to change": pgettext_lazy("admin title", "Select %(model)s to change"),
    "Select %s to view": pgettext_lazy("admin title", "Select %(model)s to view"),
    "Add %s": pgettext_lazy("admin title", "Add %(model)s"),
    "Change %s": pgettext_lazy("admin title", "Change %(model)s"),
    "View %s": pgettext_lazy("admin title", "View %(model)s"),
}


def retitle(response) -> None:
    """Replace a title Django built from the nominative; leave any other title alone."""
    context = getattr(response, "context_data", None)
    if not context or context.get("is_popup"):
        return
    opts = context.get("opts")
    accusative = ACCUSATIVE.get(getattr(opts, "label_lower", ""))
    if accusative is None:
        return
    title = context.get("title")
    for django_msgid, ours in TITLES.items():
        if title == gettext(django_msgid) % opts.verbose_name:
            context["title"] = capfirst(ours % {"model": accusative})
            return


class SupportLoginForm(AdminAuthenticationForm):
    """The admin's login; a technician with the right password is sent to the workbench's."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "technician": _(
            "This login is for support. Service center technicians log in here: %(url)s"
        ),
    }
    workbench_login_url = None  # set when the user is a technician: the page links it

    def confirm_login_allowed(self, user):
        # Imported when used, like the dashboard below: the apps' admin modules register
        # with this site, which must exist first.
        from repairs.selectors import technician_of

        if not user.is_staff and user.is_active and technician_of(user) is not None:
            self.workbench_login_url = reverse("workbench:login")
            raise ValidationError(
                self.error_messages["technician"],
                code="technician",
                params={"url": self.workbench_login_url},
            )
        super().confirm_login_allowed(user)


class SupportAdminSite(admin.AdminSite):
    site_header = _("DREAME Service — support")
    site_title = _("DREAME support")
    index_title = _("Today at a glance")
    login_form = SupportLoginForm

    def admin_view(self, view, cacheable=False):
        @functools.wraps(view)
        def retitled(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            retitle(response)
            return response

        return super().admin_view(retitled, cacheable)

    def get_urls(self):
        from django.urls import path

        from repairs.admin import report_views  # it imports the models' admin modules

        reports = [
            path(
                "reports/",
                self.admin_view(functools.partial(report_views.reports_index, site=self)),
                name="reports",
            ),
            path(
                "reports/<slug:slug>/",
                self.admin_view(functools.partial(report_views.report_page, site=self)),
                name="report",
            ),
        ]
        return reports + super().get_urls()

    def index(self, request, extra_context=None):
        from repairs.admin.dashboard import support_dashboard  # it imports claims.admin

        extra_context = dict(extra_context or {})
        # The figures are the claims' and orders' own; whoever may see claims sees them.
        if request.user.has_perm("claims.view_claim"):
            extra_context["dashboard"] = support_dashboard()
        return super().index(request, extra_context)


# --- django-axes: lockout after repeated wrong passwords (settings AXES_*) -------------


class PairAndAddressLockHandler(AxesDatabaseHandler):
    """axes' database handler with a limit per lock instead of one for all.

    AXES_LOCKOUT_PARAMETERS names the locks: the (username, address) pair, limited by
    AXES_FAILURE_LIMIT, and the address alone, limited by LOGIN_ADDRESS_FAILURE_LIMIT.
    axes compares one count with one limit (its AXES_FAILURE_LIMIT callable is given only
    the request and the credentials, not the lock being checked), so `get_failures` answers
    on the pair's scale: the pair's own count, or at least the pair's limit once the
    address has reached its own. A username alone is never locked; many failures on one
    are reported instead (`watch_username`).
    """

    def get_failures(self, request, credentials=None) -> int:
        pair_limit = get_failure_limit(request, credentials)
        locks = zip(
            get_lockout_parameters(request, credentials),
            self.get_user_attempts(request, credentials),
            strict=True,
        )
        counted = 0
        for parameters, attempts in locks:
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if parameters in ("ip_address", ["ip_address"]):
                if failures >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
                    failures = max(failures, pair_limit)
                else:
                    failures = 0  # under its own limit, the address's count locks nothing
            counted = max(counted, failures)
        return counted

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is not None:
            watch_username(get_client_username(request, credentials))


def watch_username(username: str | None) -> None:
    """Count a failed login for `username` (any address); when an existing account's count
    reaches LOGIN_ALERT_FAILURES within the window, log a warning and e-mail ADMINS.

    Exactly one failure reaches the threshold in a window (the store's count is atomic), so
    that is one alert per username and window; usernames nobody has are left to the
    address lock, so a spray of made-up names cannot flood the admins' mailbox."""
    if not username:
        return
    threshold = settings.LOGIN_ALERT_FAILURES
    window = settings.LOGIN_ALERT_WINDOW_SECONDS
    key = ratelimit.private_key(username)  # the store holds no username
    state = ratelimit.hit(scope="login-username", key=key, limit=threshold, window_seconds=window)
    if state.count != threshold:
        return
    if not get_user_model().objects.filter(username=username).exists():
        return
    # The username is personal data and stays out of the log; the e-mail names it.
    logger.warning(
        "%d failed logins for one username within %d minutes (account ref %s); the "
        "username is not locked, ADMINS are e-mailed",
        threshold,
        window // 60,
        key[:12],
    )
    with translation.override(settings.LANGUAGE_CODE):
        params = {"username": username, "count": threshold, "minutes": window // 60}
        subject = gettext("Many failed logins for the username %(username)s") % params
        body = (
            gettext(
                "%(count)d wrong passwords were entered for the username %(username)s within "
                "%(minutes)d minutes.\n\n"
                "The account is not locked: its owner can still log in. Each client address "
                "is locked on its own after repeated failures. If these attempts were not the "
                "owner's, change the password and review the login attempts in the admin "
                "(superuser only).\n\n"
                "At most one such message per username and hour. Passwords are never recorded."
            )
            % params
        )
    try:
        mail_admins(subject, body)
    except Exception:
        # The login's answer must not depend on the mail server; the warning above stays.
        logger.exception("The alert about failed logins could not be e-mailed")


def axes_client_address(request) -> str | None:
    """The address failures are counted for: the rate limits' (proxy-aware, IPv6 /64).

    None when unknown: the attempt table's column is an inet on PostgreSQL."""
    address = client_address(request)
    return None if address == "unknown" else address


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return gettext(
        "Too many failed login attempts. Logging in is blocked for %(minutes)s minutes. "
        "Try again later or ask an administrator to unlock it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The login page the user was on (admin or workbench, in their language), shown
    again with the lockout message instead of the form's own errors."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    context = getattr(original_response, "context_data", None) or {}
    form = context.get("form")
    if not isinstance(original_response, TemplateResponse) or form is None:
        response = HttpResponse(lockout_message(), status=status, content_type="text/plain")
    else:
        form.errors.clear()
        form.add_error(None, lockout_message())
        # Axes answers after the view's response was rendered: render this one now.
        response = TemplateResponse(
            request, original_response.template_name, context, status=status
        ).render()
    response["Retry-After"] = retry_after
    return response


class SuperuserOnlyAdminMixin:
    """Login-attempt records are the superuser's alone: support (staff) can neither see
    nor clear them, even if a group were given axes' permissions by mistake."""

    def _is_superuser(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_superuser(request)

    def has_view_permission(self, request, obj=None):
        return self._is_superuser(request)

    def has_change_permission(self, request, obj=None):
        return False  # records of what happened

    def has_delete_permission(self, request, obj=None):
        return self._is_superuser(request)


class UnlockActionMixin:
    """The failed attempts' list: a translated status column, and the unlock (deleting
    the attempts that cause the lock, as `manage.py axes_reset_username` does)."""

    actions = ["unlock", "cleanup_expired_attempts"]

    @admin.display(description=pgettext_lazy("admin", "Status"))
    def status(self, attempt):
        return super().status(attempt)  # axes names the column "Status", untranslated

    @admin.action(description=_("Unlock: forget these failed attempts"), permissions=["delete"])
    def unlock(self, request, queryset):
        _total, deleted = queryset.delete()
        count = deleted.get(queryset.model._meta.label, 0)  # not their expiry rows
        self.message_user(
            request, gettext("Unlocked: %(count)d.") % {"count": count}, messages.SUCCESS
        )


def restrict_axes_admin(site=None) -> None:
    """Re-register axes' admins (registered by axes at autodiscover) superuser-only."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    site = site or admin.site
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        if not site.is_registered(model):
            continue  # AXES_ENABLE_ADMIN = False
        base = type(site.get_model_admin(model))
        mixins: tuple[type, ...] = (SuperuserOnlyAdminMixin,)
        if model is AccessAttempt:
            mixins += (UnlockActionMixin,)
        site.unregister(model)
        site.register(model, type(base.__name__, (*mixins, base), {"__module__": __name__}))
