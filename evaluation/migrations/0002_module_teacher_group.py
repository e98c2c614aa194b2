"""The module teachers' group exists in every database (apprentissage.enums.StaffRole)."""

from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name="module_teacher")


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
