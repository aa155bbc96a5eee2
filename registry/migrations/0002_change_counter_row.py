from django.db import migrations


def create_counter(apps, schema_editor):
    # The one row that ChangeLog ids are taken from, under a row lock.
    apps.get_model("registry", "ChangeCounter").objects.get_or_create(pk=1, defaults={"last_id": 0})


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create_counter, migrations.RunPython.noop)]
