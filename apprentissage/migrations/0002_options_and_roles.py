"""The four options and the staff role groups exist in every database."""

from django.db import migrations

OPTIONS = [
    ("energies", "Énergies", "Énergies renouvelables, production et construction durables"),
    ("genindus", "GenIndus", "Génie industriel pour la performance des organisations"),
    ("materiaux", "Matériaux", "Matériaux et procédés avancés pour les transports de demain"),
    ("pharmagro", "PharmAgro", "Procédés et processus pharmaceutiques, agro-alimentaires et cosmétiques"),
]
GROUPS = ["scolarite", "midisup", "school_tutor"]


def create(apps, schema_editor):
    Option = apps.get_model("apprentissage", "Option")
    Group = apps.get_model("auth", "Group")
    for code, name, full_name in OPTIONS:
        Option.objects.update_or_create(code=code, defaults={"name": name, "full_name": full_name})
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("apprentissage", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
