"""The demo city (示范市): its accounts, whether it is loaded, building it, and the table `lvzhi demo` prints.

The city itself is planned and written by lvzhi.demo.generator (seed 2026, so every build is the same city).
"""

from __future__ import annotations

import time

from .generator import PASSWORD, plan_demo, write_plan

DEMO_PASSWORD = PASSWORD
DEMO_SEED = 2026
DEMO_CITY_CONGRESS = "示范市人民代表大会"

# (username, role and scope in English); DEMO_ACCOUNTS_ZH has the same in Chinese.
DEMO_ACCOUNTS: list[tuple[str, str]] = [
    ("admin", "Site administrator (superuser)"),
    ("city_staff", "Deputy-affairs staff of 示范市人大"),
    ("city_chair", "Chair of 示范市人大 (also a city deputy)"),
    ("staff_a", "Deputy-affairs staff of 东湖区人大"),
    ("staff_b", "Deputy-affairs staff of 西岭区人大"),
    ("chair_a", "Chair of 东湖区人大"),
    ("chair_b", "Chair of 西岭区人大"),
    ("member_a", "Standing-committee member of 东湖区人大"),
    ("member_b", "Standing-committee member of 西岭区人大"),
    ("city_member_a", "Standing-committee member of 示范市人大 (has scored the key suggestion)"),
    ("city_member_b", "Standing-committee member of 示范市人大 (has scored the key suggestion)"),
    ("city_member_c", "Standing-committee member of 示范市人大 (has not scored it yet)"),
    ("committee_a", "Staff of the city's 财政经济委员会"),
    ("committee_b", "Staff of the city's 教育科学文化卫生委员会"),
    ("station_a", "Staff of 湖滨街道人大代表联络站 (东湖区)"),
    ("station_b", "Staff of 岭南街道人大代表联络站 (西岭区)"),
    ("handler_a", "Handler at 示范市教育局"),
    ("handler_b", "Handler at 示范市住房和城乡建设局"),
    ("deputy_a", "Deputy of 东湖区 and of 示范市 (two levels)"),
    ("deputy_b", "Deputy of 西岭区"),
    ("leader_a", "Leader of 湖滨街道代表小组 (东湖区), a deputy"),
    ("leader_b", "Leader of 岭南街道代表小组 (西岭区), a deputy"),
]
DEMO_ACCOUNTS_ZH: dict[str, str] = {
    "admin": "系统管理员（超级用户）",
    "city_staff": "示范市人大 代表工作人员",
    "city_chair": "示范市人大常委会主任（兼市人大代表）",
    "staff_a": "东湖区人大 代表工作人员",
    "staff_b": "西岭区人大 代表工作人员",
    "chair_a": "东湖区人大常委会主任",
    "chair_b": "西岭区人大常委会主任",
    "member_a": "东湖区人大常委会组成人员",
    "member_b": "西岭区人大常委会组成人员",
    "city_member_a": "示范市人大常委会组成人员（已为重点督办建议测评打分）",
    "city_member_b": "示范市人大常委会组成人员（已为重点督办建议测评打分）",
    "city_member_c": "示范市人大常委会组成人员（尚未测评打分）",
    "committee_a": "市人大财政经济委员会工作人员",
    "committee_b": "市人大教育科学文化卫生委员会工作人员",
    "station_a": "湖滨街道人大代表联络站工作人员（东湖区）",
    "station_b": "岭南街道人大代表联络站工作人员（西岭区）",
    "handler_a": "示范市教育局 承办人",
    "handler_b": "示范市住房和城乡建设局 承办人",
    "deputy_a": "东湖区人大代表，兼示范市人大代表（两级）",
    "deputy_b": "西岭区人大代表",
    "leader_a": "湖滨街道代表小组组长（东湖区人大代表）",
    "leader_b": "岭南街道代表小组组长（西岭区人大代表）",
}


def demo_is_loaded() -> bool:
    """True when this database already holds the demo city (a seeded dataset alone does not count)."""
    from lvzhi.org.models import Congress

    return Congress.objects.filter(name=DEMO_CITY_CONGRESS, parent__isnull=True).exists()


def build_demo_city(progress: bool = False) -> dict[str, int]:
    """Write the demo city into the database (once: callers check demo_is_loaded() first)."""
    started = time.monotonic()
    counts = write_plan(plan_demo(DEMO_SEED), progress=progress, desc="示范市")
    from .suggestions import build_demo_suggestions

    counts["suggestions"] = build_demo_suggestions()
    from .consultations import build_demo_consultations

    counts["consultation_items"] = build_demo_consultations()
    from .opinions import build_demo_opinions

    counts["opinions"] = build_demo_opinions()
    from .hotline import build_demo_hotline

    counts["hotline_tickets"] = build_demo_hotline()
    from .performance import build_demo_performance

    counts["participations"] = build_demo_performance()
    from .reception import build_demo_reception

    counts["reception"] = build_demo_reception()
    from .groups import build_demo_groups

    counts["groups"] = build_demo_groups()
    from .training import build_demo_training

    counts["training"] = build_demo_training()
    from .liaison import build_demo_liaison

    counts["liaison"] = build_demo_liaison()
    from .meetings import build_demo_meetings

    counts["meetings"] = build_demo_meetings()
    from .briefings import build_demo_briefings

    counts["briefings"] = build_demo_briefings()
    from lvzhi.dashboards.figures import refresh

    counts["dashboard_cells"] = refresh()  # the dashboards' summary, so the demo opens with its figures
    if progress:
        print(
            f"lvzhi demo: 示范市 built in {time.monotonic() - started:.1f} s: "
            f"{counts['congresses']} congresses, {counts['persons']} deputies ({counts['mandates']} mandates), "
            f"{counts['stations']} stations, {counts['units']} units, {counts['accounts']} accounts",
            flush=True,
        )
    return counts


def _pad(text: str, width: int) -> str:
    """Pad to a terminal width, counting a Chinese character as two columns."""
    shown = sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def print_demo_accounts() -> None:
    """The demo accounts and their password, in Chinese and English (the address is printed elsewhere)."""
    width = max(len(u) for u, _ in DEMO_ACCOUNTS) + 4
    lines = [
        "",
        f"演示账号 Demo accounts — 密码 password: {DEMO_PASSWORD}",
        f"  {_pad('用户名 username', width)}  角色 / role",
    ]
    for username, role in DEMO_ACCOUNTS:
        lines.append(f"  {_pad(username, width)}  {DEMO_ACCOUNTS_ZH[username]} / {role}")
    lines += [
        "  其他代表账号（dep0001 …）初始密码相同，首次登录须修改密码。",
        "  Deputies' own accounts (dep0001 …) use the same password and must change it at first sign-in.",
        "",
    ]
    print("\n".join(lines), flush=True)
