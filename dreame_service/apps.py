"""App configs of the composition layer: Django's admin with our site, django-axes named.

`dreame_service` itself is not an app; these replace `django.contrib.admin` and `axes` in
INSTALLED_APPS (Django's documented way to give the default admin site another class).
"""

from axes.apps import AppConfig as BaseAxesConfig
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class SupportAdminConfig(AdminConfig):
    """`admin.site` is a SupportAdminSite: every app's `admin.site.register` reaches it."""

    default_site = "dreame_service.admin_site.SupportAdminSite"

    def ready(self):
        super().ready()  # autodiscover: every app's admin module is registered now
        from dreame_service.admin_site import restrict_axes_admin

        restrict_axes_admin()
        _allow_long_upload_names()
        _start_session_clocks_at_sign_in()


def _allow_long_upload_names() -> None:
    """Django refuses a whole form (400, everything typed lost) when one part's headers
    exceed 1 KB: a file name of 500 Cyrillic letters does. The module reads the limit at
    each parse, so a larger one applies here; the name itself is then cut to 255 characters
    by Django and replaced by a generated one on saving (claims.uploads)."""
    from django.conf import settings
    from django.http import multipartparser

    # A module constant since Django 6.0.x's security releases; django-stubs lacks it.
    multipartparser.MAX_TOTAL_HEADER_SIZE = settings.MULTIPART_PART_HEADERS_MAX_BYTES  # type: ignore[attr-defined]


def _start_session_clocks_at_sign_in() -> None:
    """Every sign-in (the two login pages, and a test's force_login) starts the session's
    idle and sign-in clocks (dreame_service.kit.middleware.StaffSessionMiddleware)."""
    from django.contrib.auth.signals import user_logged_in

    from dreame_service.kit.middleware import stamp_sign_in

    user_logged_in.connect(stamp_sign_in, dispatch_uid="dreame_service.stamp_sign_in")


class AxesConfig(BaseAxesConfig):
    # django-axes names no app: the admin index would show «AXES».
    verbose_name = _("Login attempts")
