"""Opinion.solved_at: when the solve step was taken, backfilled from the steps' events ("opinion.solve"),
so the solved figure reads a column instead of core_event through a cast of the id."""

from django.db import migrations, models

SOLVE_EVENT = "opinion.solve"


def backfill(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Event = apps.get_model("core", "Event")
    Opinion = apps.get_model("opinions", "Opinion")
    ct = ContentType.objects.filter(app_label="opinions", model="opinion").first()
    if ct is None:  # a fresh database: no opinion, no event
        return
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            # One pass over the events (500,000 opinions in seconds); the earliest solve if ever several.
            cursor.execute(
                "UPDATE opinions_opinion o SET solved_at = e.at FROM ("
                " SELECT target_id, MIN(occurred_at) AS at FROM core_event"
                " WHERE target_type_id = %s AND kind = %s GROUP BY target_id) e"
                " WHERE e.target_id = o.id::text",
                [ct.pk, SOLVE_EVENT],
            )
        return
    solved = {}
    for target_id, at in (
        Event.objects.filter(target_type_id=ct.pk, kind=SOLVE_EVENT)
        .order_by("occurred_at")
        .values_list("target_id", "occurred_at")
    ):
        if target_id.isdigit():
            solved.setdefault(int(target_id), at)
    for pk, at in solved.items():
        Opinion.objects.filter(pk=pk).update(solved_at=at)


class Migration(migrations.Migration):
    dependencies = [
        ("opinions", "0002_handling_fields"),
        ("org", "0004_group_work"),
        ("stations", "0003_reception_day_rule_date"),
        ("suggestions", "0002_consultation_list_workflow"),
        ("core", "0003_seed_calendar"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinion",
            name="solved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="marked solved"),
        ),
        migrations.AddIndex(
            model_name="opinion",
            index=models.Index(
                fields=["created_at", "congress", "state", "solved_at"], name="opinion_figures"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
