# Support registers the claims that come by e-mail or phone at /admin/claims/claim/add/:
# the support group gets claims.add_claim (repairs.roles, as every role's permission).

from django.db import migrations

from repairs.roles import create_roles


def give_roles_their_permissions(apps, schema_editor):
    create_roles(apps, skip_missing=True)


class Migration(migrations.Migration):
    dependencies = [
        ("repairs", "0012_order_owner_and_act_signature"),
    ]

    operations = [migrations.RunPython(give_roles_their_permissions, migrations.RunPython.noop)]
