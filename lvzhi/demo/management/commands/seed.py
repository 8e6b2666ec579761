"""`lvzhi seed`: build generated data of any size (a city, or a province of cities) with bulk inserts.

    lvzhi seed --deputies 20000 --province          # about 20,000 deputies in a generated province
    lvzhi seed --deputies 5000 --stations 800 --units 120 --seed 7

It refuses to write into a database that already holds congresses unless `--append` is given: then it adds a
separate generated tree (its own names, accounts and mobile numbers) beside what is there.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

MIN_DEPUTIES = 20
MAX_DEPUTIES = 3_000_000


class Command(BaseCommand):
    help = (
        "Build a generated city (or with --province, a province of cities) holding about N deputies, with "
        "their congresses, committees, groups, stations, undertaking units, accounts and events."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--deputies", type=int, default=1000, help="people holding a deputy mandate (default 1000)"
        )
        parser.add_argument(
            "--stations", type=int, default=None, help="stations (default: one per 6 deputies)"
        )
        parser.add_argument(
            "--units",
            type=int,
            default=None,
            help="undertaking units (default: a full set per city and county)",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="random seed: the same seed builds the same data"
        )
        parser.add_argument("--province", action="store_true", help="a province with several cities on top")
        parser.add_argument(
            "--append",
            action="store_true",
            help="add a separate generated tree to a database that already holds data",
        )
        parser.add_argument(
            "--activities",
            type=int,
            default=0,
            help="performance activities to spread over the deputies, with the 341 311 rules (default 0)",
        )
        parser.add_argument(
            "--opinions",
            type=int,
            default=0,
            help="citizens' opinions to spread over the deputies, stations and months of the term (default 0)",
        )
        parser.add_argument(
            "--suggestions",
            type=int,
            default=0,
            help="suggestions taken through their loop (assigned, replied, evaluated, closed) (default 0)",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **opts):
        from lvzhi.demo.generator import PASSWORD, plan_seed, write_plan
        from lvzhi.org.models import Congress, Mandate, Person, User

        deputies, stations, units = opts["deputies"], opts["stations"], opts["units"]
        if not MIN_DEPUTIES <= deputies <= MAX_DEPUTIES:
            raise CommandError(f"--deputies must be from {MIN_DEPUTIES} to {MAX_DEPUTIES:,}, not {deputies}.")
        if stations is not None and stations < 0:
            raise CommandError("--stations cannot be negative.")
        if units is not None and units < 0:
            raise CommandError("--units cannot be negative.")
        if not 0 <= opts["activities"] <= 100_000_000:
            raise CommandError("--activities must be from 0 to 100,000,000.")
        for key in ("opinions", "suggestions"):
            if not 0 <= opts[key] <= 50_000_000:
                raise CommandError(f"--{key} must be from 0 to 50,000,000.")

        existing = Congress.objects.count()
        if existing and not opts["append"]:
            raise CommandError(
                f"This database already holds data ({existing} congresses, "
                f"{Mandate.objects.count()} deputy mandates), so nothing was written. "
                "Pass --append to add a separate generated tree beside it, or seed an empty database "
                "(e.g. LVZHI_HOME=/tmp/seeded lvzhi seed …)."
            )

        taken_places = frozenset(Congress.objects.values_list("region_name", flat=True))
        taken_mobiles = frozenset(
            m for m in User.objects.exclude(mobile=None).values_list("mobile", flat=True).iterator()
        ) | frozenset(Person.objects.exclude(mobile="").values_list("mobile", flat=True).iterator())
        prefix, n = f"seed{opts['seed']}", 1
        while User.objects.filter(username__startswith=f"{prefix}_").exists():
            n += 1
            prefix = f"seed{opts['seed']}r{n}"

        started = time.monotonic()
        try:
            plan = plan_seed(
                deputies=deputies,
                stations=stations,
                units=units,
                seed=opts["seed"],
                province=opts["province"],
                taken_places=taken_places,
                taken_mobiles=taken_mobiles,
                username_prefix=prefix,
            )
        except ValueError as exc:
            raise CommandError(f"{exc} (lower --units, or raise --deputies).") from None
        planned = time.monotonic() - started
        counts = write_plan(plan, progress=not opts["no_progress"], desc="seed")
        top = plan.congresses[0]
        activities = ""
        if opts["activities"]:
            from lvzhi.demo.seed_activities import describe, seed_activities

            top_row = Congress.objects.get(name=top.name, parent__isnull=True)
            written = seed_activities(
                top=top_row, total=opts["activities"], seed=opts["seed"], progress=not opts["no_progress"]
            )
            activities = f" and {describe(written)}"
        if opts["opinions"] or opts["suggestions"]:
            top_row = Congress.objects.get(name=top.name, parent__isnull=True)
        if opts["opinions"]:
            from lvzhi.demo import seed_opinions

            written = seed_opinions.seed_opinions(
                top=top_row, total=opts["opinions"], seed=opts["seed"], progress=not opts["no_progress"]
            )
            activities += f", {seed_opinions.describe(written)}"
        if opts["suggestions"]:
            from lvzhi.demo import seed_suggestions

            written = seed_suggestions.seed_suggestions(
                top=top_row, total=opts["suggestions"], seed=opts["seed"], progress=not opts["no_progress"]
            )
            activities += f", {seed_suggestions.describe(written)}"
        from lvzhi.demo.seed_archives import publish_archives

        top_row = Congress.objects.get(name=top.name, parent__isnull=True)
        published = publish_archives(top=top_row, seed=opts["seed"])
        activities += f", {published:,} public archive pages"
        if connection.vendor == "postgresql":
            # Fresh planner statistics: without them PostgreSQL takes a big region for one congress and
            # reads the generated tables with nested loops (seconds instead of milliseconds). VACUUM too
            # (outside a transaction): it marks the new pages all-visible, so the figures' lists read their
            # covering indexes alone, as they do on a database that autovacuum keeps.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        # The dashboards' summary, the cached pages, lists, scopes and unread counts follow the rows written in bulk
        # (no signals).
        from lvzhi.core.notifications import INBOX
        from lvzhi.dashboards import figures
        from lvzhi.opinions import list_counts
        from lvzhi.org.scope import SCOPES
        from lvzhi.performance.activity_lists import LISTS as activity_lists
        from lvzhi.portal import cache
        from lvzhi.suggestions.figure_lists import LISTS as suggestion_lists

        figures.refresh()
        cache.bump()
        list_counts.bump()
        suggestion_lists.bump()
        activity_lists.bump()
        SCOPES.bump()
        INBOX.bump()
        elapsed = time.monotonic() - started

        staff = next((a.username for a in plan.accounts if a.roles), None)
        self.stdout.write(
            f"Seeded {top.name} in {elapsed:.1f} s (planned in {planned:.1f} s): "
            f"{counts['congresses']} congresses, {counts['persons']:,} deputies ({counts['mandates']:,} mandates), "
            f"{counts['groups']:,} groups, {counts['stations']:,} stations, {counts['units']:,} units, "
            f"{counts['accounts']:,} accounts{activities}."
        )
        if staff:
            self.stdout.write(
                f"Staff accounts are {prefix}_staff<n> (e.g. {staff}), deputies' {prefix}_d<n>; "
                f"password {PASSWORD} (deputies must change it at first sign-in)."
            )
