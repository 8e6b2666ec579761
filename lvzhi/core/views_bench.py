"""The minimal view the public pages are measured against (bench/dashboard_load.py): one view rendering a small
template through the same middleware, server and workers. Mounted at /bench/minimal/ only when the process
runs with LVZHI_BENCH=1 (settings.BENCH); production URLs never include it."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone


def minimal(request):
    return render(request, "core/bench/minimal.html", {"now": timezone.now()})
