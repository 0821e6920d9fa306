from django.apps import AppConfig
from django.apps import apps as global_apps
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _seed_reference_data(sender, apps=global_apps, **kwargs):
    # `flush` sends no `apps`: then the project's own registry serves.
    from claims.reference_data import seed_reference_data

    seed_reference_data(apps)


class ClaimsConfig(AppConfig):
    name = "claims"
    # Not «Заявки»: the list of claims inside is called that, and the breadcrumb read
    # «Заявки › Заявки».
    verbose_name = _("Claims and products")

    def ready(self):
        from dreame_service.kit import sandbox
        from dreame_service.kit.text_search import register_unicode_upper

        post_migrate.connect(_seed_reference_data, sender=self)
        # Support's search folds Cyrillic on SQLite too (kit.text_search).
        connection_created.connect(register_unicode_upper)
        # Upload checks decode in a fork server's children: it imports the decoder once.
        sandbox.preload(["dreame_service.kit.sandbox", "claims.image_probe"])
