from django.db import migrations

# Frozen copy of accounts.roles.Role labels: migrations must not import live code.
ROLE_GROUPS = [
    "人事干部",
    "党组书记",
    "分管领导",
    "党组成员",
    "纪检监察",
    "监督审计",
    "干部职工",
    "系统管理员",
]


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_user"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
