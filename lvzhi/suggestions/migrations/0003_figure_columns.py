"""The figures' columns of a suggestion (lvzhi.suggestions.figure_columns), derived for the suggestions
already there."""

import django.db.models.deletion
from django.db import migrations, models


def derive(apps, schema_editor):
    # A new database has nothing to derive (and must not depend on today's code when it is built later).
    if not apps.get_model("suggestions", "Suggestion").objects.exists():
        return
    from lvzhi.suggestions.figure_columns import keep_all

    keep_all()


class Migration(migrations.Migration):

    dependencies = [
        ('org', '0004_group_work'),
        ('suggestions', '0002_consultation_list_workflow'),
    ]

    operations = [
        migrations.AddField(
            model_name='suggestion',
            name='first_rating',
            field=models.CharField(blank=True, default='', editable=False, max_length=16),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='first_reply_on_time',
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='latest_reply_solved',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='lead_unit',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='org.unit'),
        ),
        migrations.AddField(
            model_name='suggestion',
            name='met_face_to_face',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(derive, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='suggestion',
            index=models.Index(fields=['received_on', 'congress'], include=('state', 'submitted_at', 'accepted_at', 'merged_into', 'series', 'number', 'lead_unit', 'first_reply_on_time', 'latest_reply_solved', 'met_face_to_face', 'first_rating'), name='suggestion_figures'),
        ),
    ]
