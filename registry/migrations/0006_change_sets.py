import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def number_existing_changes(apps, schema_editor):
    """Each run of consecutive rows with the same reason, user and credit was one change set;
    public rows are numbered 1, 2, 3… in id order, so the public feed has no gaps."""
    ChangeLog = apps.get_model("registry", "ChangeLog")
    ChangeSet = apps.get_model("registry", "ChangeSet")
    ChangeCounter = apps.get_model("registry", "ChangeCounter")
    rows = list(ChangeLog.objects.order_by("id"))
    public_id, current, key = 0, None, None
    for row in rows:
        row_key = (row.reason, row.user_id, row.credited_to)
        if current is None or row_key != key:
            current = ChangeSet.objects.create(at=row.at, reason=row.reason, user_id=row.user_id,
                                               credited_to=row.credited_to)
            key = row_key
        row.change_set_id = current.pk
        if row.public:
            public_id += 1
            row.public_id = public_id
    ChangeLog.objects.bulk_update(rows, ["change_set", "public_id"], batch_size=500)
    counter, _ = ChangeCounter.objects.get_or_create(pk=1)
    counter.last_public_id = public_id
    counter.save(update_fields=["last_public_id"])


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0005_api_tokens"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeSet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("at", models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                            help_text="When the change was applied.")),
                ("reason", models.TextField(help_text="Why the change was made.")),
                ("credited_to", models.CharField(
                    default="registry staff", max_length=200,
                    help_text="Who is publicly credited: 'registry staff' or the submitter's organisation if it "
                              "opted in.")),
                ("user", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL, help_text="Who made the change (staff only; never shown publicly).")),
            ],
            options={"ordering": ["id"]},
        ),
        migrations.AddField(
            model_name="changecounter",
            name="last_public_id",
            field=models.PositiveBigIntegerField(default=0, help_text="The last public change id handed out."),
        ),
        migrations.AlterField(
            model_name="changecounter",
            name="last_id",
            field=models.PositiveBigIntegerField(default=0, help_text="The last internal ChangeLog id handed out."),
        ),
        migrations.AlterField(
            model_name="changelog",
            name="id",
            field=models.PositiveBigIntegerField(
                primary_key=True, serialize=False,
                help_text="Internal change number, drafts included; never shown publicly."),
        ),
        migrations.AddField(
            model_name="changelog",
            name="public_id",
            field=models.PositiveBigIntegerField(
                blank=True, null=True, unique=True,
                help_text="Monotonic, gapless public change number; `after=<id>` in the change feed resumes from "
                          "here."),
        ),
        migrations.AddField(
            model_name="changelog",
            name="change_set",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="changes",
                to="registry.changeset", help_text="The change this row is part of."),
        ),
        migrations.RunPython(number_existing_changes, migrations.RunPython.noop),
    ]
