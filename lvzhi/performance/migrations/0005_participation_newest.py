"""An index on confirmed participations newest first: the list behind the dashboards' "Activities (人次)" reads
its first page from the top of it instead of sorting every row of the period (EXPLAIN on a province's 2.5
million participations, the whole province for a year: the first page 2,547 → 0.5 ms; a county with those
below 28 ms). The COUNT keeps reading participation_counting alone."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("performance", "0004_invitation_kinds"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="participation",
            index=models.Index(
                condition=models.Q(("status", "confirmed")), fields=["-date", "-id"], name="participation_newest"
            ),
        ),
    ]
