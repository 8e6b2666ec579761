"""The load benchmark's minimal view exists only in a process started with LVZHI_BENCH=1."""

from __future__ import annotations

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

import lvzhi.urls

pytestmark = pytest.mark.django_db


def test_the_minimal_view_is_not_served_without_the_bench_flag():
    assert Client().get("/bench/minimal/").status_code == 404


def test_with_the_flag_it_renders_its_small_template(settings):
    settings.BENCH = True
    try:
        importlib.reload(lvzhi.urls)
        clear_url_caches()
        response = Client().get("/bench/minimal/")
        assert response.status_code == 200 and b"<p>" in response.content
    finally:
        settings.BENCH = False
        importlib.reload(lvzhi.urls)
        clear_url_caches()
