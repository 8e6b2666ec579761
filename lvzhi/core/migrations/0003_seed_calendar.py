"""Seed the working-day calendar: 2026 as published by the State Council; 2027's statutory days as
provisional rows until its schedule (with make-up working days) is published and imported by staff."""

from django.db import migrations

PUBLISHED_2026 = {
    "holiday": {
        "元旦": ["2026-01-01", "2026-01-02", "2026-01-03"],
        "春节": [
            "2026-02-15",
            "2026-02-16",
            "2026-02-17",
            "2026-02-18",
            "2026-02-19",
            "2026-02-20",
            "2026-02-21",
            "2026-02-22",
            "2026-02-23",
        ],
        "清明节": ["2026-04-04", "2026-04-05", "2026-04-06"],
        "劳动节": ["2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05"],
        "端午节": ["2026-06-19", "2026-06-20", "2026-06-21"],
        "中秋节": ["2026-09-25", "2026-09-26", "2026-09-27"],
        "国庆节": [
            "2026-10-01",
            "2026-10-02",
            "2026-10-03",
            "2026-10-04",
            "2026-10-05",
            "2026-10-06",
            "2026-10-07",
        ],
    },
    "workday": {
        "元旦调休上班": ["2026-01-04"],
        "春节调休上班": ["2026-02-14", "2026-02-28"],
        "劳动节调休上班": ["2026-05-09"],
        "国庆节调休上班": ["2026-09-20", "2026-10-10"],
    },
}
PROVISIONAL_2027 = {
    "元旦": ["2027-01-01"],
    "春节": ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"],
    "清明节": ["2027-04-05"],
    "劳动节": ["2027-05-01", "2027-05-02"],
    "端午节": ["2027-06-09"],
    "中秋节": ["2027-09-15"],
    "国庆节": ["2027-10-01", "2027-10-02", "2027-10-03"],
}


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("core", "CalendarDay")
    rows = []
    for kind, named in PUBLISHED_2026.items():
        for name, dates in named.items():
            rows += [CalendarDay(date=d, kind=kind, name=name) for d in dates]
    for name, dates in PROVISIONAL_2027.items():
        rows += [CalendarDay(date=d, kind="holiday", name=name, provisional=True) for d in dates]
    CalendarDay.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_initial"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
