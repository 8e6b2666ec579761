"""Enqueue one background job and wait until a running worker has done it (used by CI and operators)."""

import time
import uuid

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Enqueue a no-op job and wait for a worker to run it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30)

    def handle(self, *args, timeout, **options):
        from lvzhi.core.tasks import ping

        token = uuid.uuid4().hex
        ping(token)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cache.get(f"lvzhi:ping:{token}") == "done":
                self.stdout.write(f"job {token} done by a worker")
                return
            time.sleep(0.5)
        raise CommandError(f"no worker ran job {token} within {timeout:.0f} s; is `lvzhi worker` running?")
