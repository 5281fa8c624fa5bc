"""Lost leads get a coded reason (counted on the pipeline board); the old free text becomes
the note, and leads already lost are coded "other"."""

from django.db import migrations, models

LOST_REASONS = [
    ("price", "price not agreed"),
    ("quality", "sample or quality rejected"),
    ("volume", "volume or continuity not met"),
    ("certificates", "certificates or import permit missing"),
    ("payment_terms", "payment terms not agreed"),
    ("logistics", "logistics, freight cost or lead time"),
    ("buyer_unresponsive", "buyer stopped answering"),
    ("msme_unresponsive", "supplier stopped answering"),
    ("other", "other reason"),
]


def code_lost_leads(apps, schema_editor):
    Introduction = apps.get_model("trade", "Introduction")
    Introduction.objects.filter(stage="lost", lost_reason="").update(
        lost_reason="other"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0004_supplypool_poolpledge"),
    ]

    operations = [
        migrations.RenameField(
            model_name="introduction", old_name="lost_reason", new_name="lost_note"
        ),
        migrations.AlterField(
            model_name="introduction",
            name="lost_note",
            field=models.TextField(blank=True, verbose_name="note on the loss"),
        ),
        migrations.AddField(
            model_name="introduction",
            name="lost_reason",
            field=models.CharField(
                blank=True,
                choices=LOST_REASONS,
                max_length=20,
                verbose_name="reason lost",
            ),
        ),
        migrations.RunPython(code_lost_leads, migrations.RunPython.noop),
    ]
