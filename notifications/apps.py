from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    # Without it the admin shows the label, «NOTIFICATIONS», on a Russian page.
    verbose_name = _("Notifications")
