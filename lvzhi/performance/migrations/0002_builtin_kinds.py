"""The built-in activity kinds every congress has (lvzhi.performance.kinds)."""

from django.db import migrations


def add_kinds(apps, schema_editor):
    from lvzhi.performance.kinds import builtin_rows

    ActivityKind = apps.get_model("performance", "ActivityKind")
    have = set(ActivityKind.objects.filter(congress__isnull=True).values_list("code", flat=True))
    ActivityKind.objects.bulk_create(
        [ActivityKind(**row) for row in builtin_rows() if row["code"] not in have]
    )


class Migration(migrations.Migration):
    dependencies = [("performance", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
