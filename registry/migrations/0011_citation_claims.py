"""A citation names the claims it supports as a list of keys (``claims``), replacing the free-text
``claim``: a non-empty old value becomes a one-key list, in the live rows and their history."""

from django.db import migrations, models

HELP = ("Which facts of the record the quote supports: keys from the claim vocabulary of the record's type "
        "(a field name such as 'ceiling' or 'status', 'amount:<kind>', 'term:<slug>'); empty for a general "
        "source of the record.")


def carry_claims(apps, schema_editor):
    for name in ("Citation", "HistoricalCitation"):
        model = apps.get_model("registry", name)
        for row in model.objects.exclude(claim="").only("pk", "claim").iterator():
            model.objects.filter(pk=row.pk).update(claims=[row.claim.strip()])


def restore_claim(apps, schema_editor):
    for name in ("Citation", "HistoricalCitation"):
        model = apps.get_model("registry", name)
        for row in model.objects.only("pk", "claims").iterator():
            if row.claims:
                model.objects.filter(pk=row.pk).update(claim=", ".join(row.claims)[:200])


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0010_freshness_disputed_facts'),
    ]

    operations = [
        migrations.AddField(
            model_name='citation', name='claims', field=models.JSONField(blank=True, default=list, help_text=HELP),
        ),
        migrations.AddField(
            model_name='historicalcitation', name='claims',
            field=models.JSONField(blank=True, default=list, help_text=HELP),
        ),
        migrations.RunPython(carry_claims, restore_claim),
        migrations.RemoveField(model_name='citation', name='claim'),
        migrations.RemoveField(model_name='historicalcitation', name='claim'),
    ]
