"""The staff roles: groups `support` and `technicians` with their permissions.

Written by a data migration and again after every `migrate`/`flush` (post_migrate).
Idempotent.
"""

from django.contrib.auth.management import create_permissions

# Support triages claims and manages centers, policies and products; sees everything.
SUPPORT_PERMISSIONS = [
    ("claims", "triage_claim"),
    ("claims", "view_claim"),
    # A claim that came by e-mail or phone, registered on the customer's behalf (DESIGN §8).
    ("claims", "add_claim"),
    ("claims", "change_claim"),
    ("claims", "view_warrantypolicy"),
    ("claims", "change_warrantypolicy"),
    ("claims", "view_productmodel"),
    ("claims", "add_productmodel"),
    ("claims", "change_productmodel"),
    # Reference data in ru, kk and en: categories, and the words of automatic notes.
    ("claims", "view_productcategory"),
    ("claims", "add_productcategory"),
    ("claims", "change_productcategory"),
    ("claims", "view_autonote"),
    ("claims", "change_autonote"),
    ("repairs", "view_servicecenter"),
    ("repairs", "add_servicecenter"),
    ("repairs", "change_servicecenter"),
    ("repairs", "view_technician"),
    ("repairs", "add_technician"),
    ("repairs", "change_technician"),
    ("repairs", "view_repairorder"),
    ("repairs", "reassign_order"),
    ("repairs", "support_order"),  # register a parcel, cancel: repairs.services
    ("repairs", "view_intakeact"),
    ("repairs", "view_accessorychecklist"),
    ("repairs", "add_accessorychecklist"),
    ("repairs", "change_accessorychecklist"),
    ("repairs", "view_shipment"),
    ("repairs", "view_reports"),  # /admin/reports/
    # What fails, per product category (DESIGN §9): words in ru, kk, en; a row is switched
    # off rather than deleted, since orders keep it.
    ("repairs", "view_faultcategory"),
    ("repairs", "add_faultcategory"),
    ("repairs", "change_faultcategory"),
    ("claims", "view_statusevent"),
    # Each center's monthly warranty statement (DESIGN §9): read, dispute lines, approve.
    ("repairs", "view_statement"),
    ("repairs", "approve_statement"),
    ("notifications", "view_notification"),
    ("notifications", "change_notification"),
    # WhatsApp and SMS: every attempt, its status and error; retry a failed one.
    ("notifications", "view_phonemessage"),
    ("notifications", "change_phonemessage"),
    # The support mailbox: read what came, file a draft to a claim or set it aside.
    ("notifications", "view_inboundemail"),
    ("notifications", "change_inboundemail"),
]
# Technicians work in the /service/ workbench, scoped there to their own center.
TECHNICIAN_PERMISSIONS = [("repairs", "work_on_order")]


def create_roles(apps, *, skip_missing: bool = False) -> None:
    """`apps` is a migration state's registry (a data migration's or post_migrate's).

    `skip_missing` is for a migration that runs before some of the models exist.
    """
    # Permissions first, for every app: post_migrate handlers run in app order, and a
    # migration's historical apps have none yet (their models_module is unset).
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = models_module or True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [("support", SUPPORT_PERMISSIONS), ("technicians", TECHNICIAN_PERMISSIONS)]:
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            permissions = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
            if skip_missing and not permissions.exists():
                continue
            group.permissions.add(permissions.get())
