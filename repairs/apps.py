from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_roles_and_checklists(sender, apps=global_apps, **kwargs):
    # `flush` sends no `apps`: then the project's own registry serves.
    from repairs.reference_data import seed_checklists, seed_fault_categories
    from repairs.roles import create_roles

    # After `migrate <app> <an earlier migration>` some models (and permissions) are not there.
    create_roles(apps, skip_missing=True)
    seed_checklists(apps)
    seed_fault_categories(apps)


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs")

    def ready(self):
        post_migrate.connect(_seed_roles_and_checklists, sender=self)
        from repairs import page_versions, rollups

        rollups.connect_signals()
        page_versions.connect_signals()
