"""Each audit's principle levels in one row, for the portfolio's figures, filled in for
the audits already stored."""

from django.db import migrations, models

from audits.level_summary import levels_summary_refresh


def fill(apps, schema_editor):
    Audit = apps.get_model("audits", "Audit")
    levels_summary_refresh(
        Audit.objects.all(),
        assessments=apps.get_model("audits", "PrincipleAssessment"),
        principles=apps.get_model("principles", "Principle"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audits", "0005_merge_evidence_file_removal"),
        ("principles", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="audit",
            name="level_ranks",
            field=models.CharField(blank=True, default="", editable=False, max_length=40),
        ),
        migrations.AddField(
            model_name="audit",
            name="level_total",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
