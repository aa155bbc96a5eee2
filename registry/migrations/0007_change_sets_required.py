import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """Separate from 0006 so that PostgreSQL alters the table in a transaction without the data
    migration's pending trigger events."""

    dependencies = [("registry", "0006_change_sets")]

    operations = [
        migrations.AlterField(
            model_name="changelog",
            name="change_set",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="changes", to="registry.changeset",
                help_text="The change this row is part of."),
        ),
        migrations.AddConstraint(
            model_name="changelog",
            constraint=models.CheckConstraint(
                condition=models.Q(("public", False), ("public_id__isnull", True))
                | models.Q(("public", True), ("public_id__isnull", False)),
                name="registry_changelog_public_id_iff_public",
                violation_error_message="A public change has a public id; a draft change has none.",
            ),
        ),
    ]
