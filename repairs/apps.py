from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_roles(sender, apps=global_apps, **kwargs):
    # `flush` sends no `apps`: then the project's own registry serves.
    from repairs.roles import create_roles

    create_roles(apps)


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        post_migrate.connect(_create_roles, sender=self)
