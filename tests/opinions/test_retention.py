"""Retention: once an opinion has been finished longer than the retention time, the citizen's personal data
is purged (row, photo files, follow-up link), the anonymous record stays for the figures, nothing personal
survives in the events, and running the purge again changes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lvzhi.core.models import Event
from lvzhi.opinions import events
from lvzhi.opinions.abuse import Client as Abuser
from lvzhi.opinions.models import Opinion, OpinionPhoto
from lvzhi.opinions.selectors import opinion_by_key, opinion_by_number_and_last4
from lvzhi.opinions.services.handling import opinion_solve
from lvzhi.opinions.services.purge import opinion_personal_data_purge
from lvzhi.opinions.services.submit import opinion_submit

from .conftest import JPEG, PNG

pytestmark = pytest.mark.django_db

NAME, PHONE, TIMES = "欧阳留存", "13977770001", "周末上午"


def _submit(code, content: str, photos=()):
    return opinion_submit(
        code=code,
        kind=Opinion.Kind.MEETING,
        category="city",
        content=content,
        consent=True,
        place="留存测试路",
        citizen_name=NAME,
        phone=PHONE,
        wants_callback=True,
        preferred_times=TIMES,
        photos=photos,
        client=Abuser(ip_hash="retention-ip", cookie_hash="retention-cookie"),
    )


def _finished(code, deputy, content: str, days_ago: int, photos=()):
    done = _submit(code, content, photos)
    opinion_solve(actor=deputy, opinion=done.opinion, what_was_done="已处理完毕")
    Opinion.objects.filter(pk=done.opinion.pk).update(
        finished_at=timezone.now() - dt.timedelta(days=days_ago)
    )
    return done


def _run(**kw) -> str:
    out = io.StringIO()
    call_command("purge_opinion_personal_data", stdout=out, **kw)
    return out.getvalue()


def test_an_old_finished_opinion_keeps_nothing_personal(
    code, deputy_a, client, django_capture_on_commit_callbacks
):
    photos = [
        SimpleUploadedFile("a.jpg", JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("b.png", PNG, content_type="image/png"),
    ]
    done = _finished(code, deputy_a, "留存测试：路面坑洼多年没人修。", 400, photos)
    opinion = done.opinion
    storage = OpinionPhoto.file.field.storage
    files = [p.file.name for p in opinion.photos.all()]
    assert len(files) == 2 and all(storage.exists(name) for name in files)
    assert opinion_by_number_and_last4(opinion.number, PHONE[-4:]) is not None

    with django_capture_on_commit_callbacks(execute=True):  # the files go once the purge is committed
        printed = _run()
    assert "purged 1 opinions, 2 photos" in printed

    opinion.refresh_from_db()
    # The row: nothing that identifies the citizen; the matter itself stays for the figures.
    assert (opinion.citizen_name, opinion.phone, opinion.preferred_times) == ("", "", "")
    assert not opinion.wants_callback
    assert (opinion.client_ip_hash, opinion.client_cookie_hash, opinion.dedupe_hash) == ("", "", "")
    assert opinion.personal_data_purged_at is not None
    assert opinion.content.startswith("留存测试") and opinion.category == "city" and opinion.state == "solved"
    assert opinion.place == "留存测试路" and opinion.replies.exists()
    row = {f.attname: getattr(opinion, f.attname) for f in Opinion._meta.concrete_fields}
    assert not [k for k, v in row.items() if isinstance(v, str) and (NAME in v or PHONE in v or TIMES in v)]
    # The photos: rows and files gone.
    assert not OpinionPhoto.objects.filter(opinion=opinion).exists()
    assert not any(storage.exists(name) for name in files)
    # The follow-up link and the number + last four digits no longer open it.
    assert opinion_by_key(done.key) is None
    assert opinion_by_number_and_last4(opinion.number, PHONE[-4:]) is None
    assert client.get(reverse("opinions:status", kwargs={"key": done.key})).status_code == 404
    # The events: the purge is in the history by id, and no event anywhere holds the name or the phone.
    purged = Event.objects.get(kind=events.PERSONAL_DATA_PURGED, target_id=str(opinion.pk))
    assert purged.payload["opinion_id"] == opinion.pk and purged.payload["photos"] == 2
    leaking = Event.objects.filter(
        Q(note__contains=NAME)
        | Q(note__contains=PHONE)
        | Q(payload__icontains=PHONE)
        | Q(payload__icontains=NAME)
    )
    assert not leaking.exists()
    assert not [e.pk for e in Event.objects.all() if NAME in str(e.payload) or PHONE in str(e.payload)]


def test_recent_and_open_opinions_are_left_alone_and_a_second_run_changes_nothing(code, deputy_a):
    old = _finished(code, deputy_a, "留存测试：很久以前办结的事情。", 366).opinion
    recent = _finished(code, deputy_a, "留存测试：上个月刚办结的事情。", 30).opinion
    still_open = _submit(code, "留存测试：还在办理中的事情。").opinion
    Opinion.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - dt.timedelta(days=800))

    assert "purged 1 opinions" in _run()
    for o in (old, recent, still_open):
        o.refresh_from_db()
    assert old.personal_data_purged_at is not None
    assert recent.phone == PHONE and recent.citizen_name == NAME and recent.personal_data_purged_at is None
    assert still_open.phone == PHONE and still_open.personal_data_purged_at is None

    stamped = old.personal_data_purged_at
    assert "purged 0 opinions" in _run()
    old.refresh_from_db()
    assert old.personal_data_purged_at == stamped
    assert Event.objects.filter(kind=events.PERSONAL_DATA_PURGED, target_id=str(old.pk)).count() == 1


def test_the_retention_time_is_a_setting_and_can_be_given_for_one_run(code, deputy_a, settings):
    opinion_personal_data_purge(days=1)  # the demo's items finished days ago: out of the way
    o = _finished(code, deputy_a, "留存测试：四十天前办结的事情。", 40).opinion
    assert "would purge 1 opinions" in _run(days=30, dry_run=True)
    o.refresh_from_db()
    assert o.personal_data_purged_at is None  # a dry run changes nothing
    settings.LVZHI_OPINION_RETENTION_DAYS = 60
    assert opinion_personal_data_purge().opinions == 0
    settings.LVZHI_OPINION_RETENTION_DAYS = 35
    assert opinion_personal_data_purge().opinions == 1


def test_hotline_tickets_are_purged_the_same_way(settings):
    from lvzhi.opinions.services.hotline import hotline_import
    from lvzhi.org.models import Congress
    from tests.scope_markers import EAST, user

    received = timezone.localtime() - dt.timedelta(days=500)
    line = f"P001,{received:%Y-%m-%d %H:%M},交通,,,留存测试热线工单,{NAME},{PHONE},已办结,已处理,,{received:%Y-%m-%d %H:%M}"
    upload = SimpleUploadedFile(
        "p.csv",
        f"工单编号,受理时间,问题分类,所属区县,事发地点,诉求内容,来电人,联系电话,办理状态,答复内容,答复时间,办结时间\n{line}\n".encode(),
    )
    assert hotline_import(actor=user("staff_a"), congress=Congress.objects.get(name=EAST), file=upload).saved
    assert opinion_personal_data_purge().opinions >= 1
    o = Opinion.objects.get(source=Opinion.Source.HOTLINE, external_ref="P001")
    assert (o.citizen_name, o.phone) == ("", "") and o.personal_data_purged_at is not None


def test_the_purge_runs_every_night_as_a_background_job(code, deputy_a):
    from huey.contrib.djhuey import HUEY

    from lvzhi.opinions.retention import daily_at_0215_local, opinion_retention_purge

    at = dt.datetime(2026, 3, 5, 18, 15)  # 02:15 in Asia/Shanghai, as huey's UTC clock reads it
    assert daily_at_0215_local(at) == HUEY.utc
    _finished(code, deputy_a, "留存测试：后台任务清除的事情。", 400)
    result = opinion_retention_purge.call_local()
    assert result["opinions"] == 1


def test_the_worker_finds_the_job_without_importing_any_tasks_module():
    """Huey's worker imports `tasks` modules only; the app's ready() registers the retention job."""
    import os
    import subprocess
    import sys

    code = (
        "import django; django.setup(); from huey.contrib.djhuey import HUEY; "
        "print(sorted(HUEY._registry.task_to_string(t) for t in HUEY._registry._periodic_tasks))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lvzhi.settings", "LVZHI_DEMO": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert "lvzhi.opinions.retention.opinion_retention_purge" in out.stdout, out.stderr[-2000:]
