"""Two more built-in kinds for invitations: hearings and open court sessions (lvzhi.performance.kinds)."""

from django.db import migrations


def add_kinds(apps, schema_editor):
    from lvzhi.performance.kinds import NOT_PUBLIC, builtin_rows

    ActivityKind = apps.get_model("performance", "ActivityKind")
    have = set(ActivityKind.objects.filter(congress__isnull=True).values_list("code", flat=True))
    ActivityKind.objects.bulk_create(
        [
            ActivityKind(**row, is_public=row["code"] not in NOT_PUBLIC)
            for row in builtin_rows()
            if row["code"] not in have
        ]
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0003_archive_reports")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
