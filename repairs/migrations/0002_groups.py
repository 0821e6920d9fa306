from django.contrib.auth.management import create_permissions
from django.db import migrations

# Support triages claims and manages centers, policies and products; sees everything.
SUPPORT_PERMISSIONS = [
    ("claims", "triage_claim"),
    ("claims", "view_claim"),
    ("claims", "change_claim"),
    ("claims", "view_warrantypolicy"),
    ("claims", "change_warrantypolicy"),
    ("claims", "view_productmodel"),
    ("claims", "add_productmodel"),
    ("claims", "change_productmodel"),
    ("repairs", "view_servicecenter"),
    ("repairs", "add_servicecenter"),
    ("repairs", "change_servicecenter"),
    ("repairs", "view_technician"),
    ("repairs", "add_technician"),
    ("repairs", "change_technician"),
    ("repairs", "view_repairorder"),
    ("repairs", "view_intakeact"),
    ("repairs", "view_shipment"),
    ("repairs", "view_statusevent"),
    ("notifications", "view_notification"),
    ("notifications", "change_notification"),
]
# Technicians work in the /service/ workbench, scoped there to their own center.
TECHNICIAN_PERMISSIONS = [("repairs", "work_on_order")]


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in [("support", SUPPORT_PERMISSIONS), ("technicians", TECHNICIAN_PERMISSIONS)]:
        group, _created = Group.objects.get_or_create(name=name)
        for app_label, codename in wanted:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0001_initial"),
        ("claims", "0002_seed_policy_and_products"),
        ("notifications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
