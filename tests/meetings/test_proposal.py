"""The proposal: who may be invited, in which order, and why (in words)."""

from __future__ import annotations

import datetime as dt

from lvzhi.meetings.proposal import propose
from lvzhi.meetings.services.invitations import invitations_propose

from .conftest import attended_sc, plan


def names(candidates):
    return [c.mandate.person.name for c in candidates]


def test_grassroots_not_yet_attended_with_matching_field_come_first(world):
    meeting = plan(world)
    ranked = propose(meeting=meeting)
    # 甲: grassroots + not yet + education; 乙: grassroots + not yet; 丙: not yet + education (not grassroots);
    # 丁: grassroots, attended once. 丙 and 丁 score alike; the one who has taken part less comes first.
    assert names(ranked) == ["甲基层教育", "乙基层", "丙教育", "丁已列席"]
    by_name = {c.mandate.person.name: c for c in ranked}
    assert by_name["甲基层教育"].reasons == [
        "基层代表",
        "本届尚未列席常委会会议",
        "专业领域与议题相符：教育科技",
    ]
    assert by_name["乙基层"].reasons == ["基层代表", "本届尚未列席常委会会议"]
    assert by_name["丙教育"].reasons == ["本届尚未列席常委会会议", "专业领域与议题相符：教育科技"]
    assert by_name["丁已列席"].reasons == ["基层代表", "本届已列席常委会会议1次"]
    assert by_name["丁已列席"].taken_part == 1 and by_name["丁已列席"].last_date == dt.date(2025, 9, 1)


def test_who_cannot_be_invited_is_not_proposed(world):
    meeting = plan(world)
    found = set(names(propose(meeting=meeting)))
    assert "戊请假" not in found  # on leave on the meeting day
    assert "己已离任" not in found  # mandate ended
    assert "庚西区" not in found  # another congress


def test_attendance_before_the_term_does_not_count(world):
    # 乙 attended in the previous term (as a deputy of term 8): for this term it has not yet.
    by_name = {c.mandate.person.name: c for c in propose(meeting=plan(world))}
    assert by_name["乙基层"].taken_part == 0


def test_more_attendances_rank_later(world):
    attended_sc(world.d, dt.date(2026, 3, 1))
    attended_sc(world.b, dt.date(2026, 3, 1))
    ranked = propose(meeting=plan(world))
    by_name = {c.mandate.person.name: c for c in ranked}
    assert by_name["丁已列席"].reasons[-1] == "本届已列席常委会会议2次"
    assert names(ranked).index("乙基层") < names(ranked).index("丁已列席")


def test_other_kinds_weigh_their_own_activity(world):
    meeting = plan(world, kind="inspection", title="视察学校建设", agenda=(("察看学校", "", ["education"]),))
    by_name = {c.mandate.person.name: c for c in propose(meeting=meeting)}
    # 丁 attended a standing-committee meeting, never an inspection.
    assert by_name["丁已列席"].reasons == ["基层代表", "本届尚未参加过视察"]


def test_without_topics_fields_are_not_matched(world):
    meeting = plan(world, agenda=())
    by_name = {c.mandate.person.name: c for c in propose(meeting=meeting)}
    assert by_name["甲基层教育"].reasons == ["基层代表", "本届尚未列席常委会会议"]


def test_those_on_the_list_leave_the_proposal_and_keep_their_reasons(world):
    meeting = plan(world)
    done = invitations_propose(actor=world.staff, meeting=meeting, mandates=[world.a])
    assert done[0].reasons == ["基层代表", "本届尚未列席常委会会议", "专业领域与议题相符：教育科技"]
    assert "甲基层教育" not in names(propose(meeting=meeting))
    assert names(propose(meeting=meeting, query="丙")) == ["丙教育"]
