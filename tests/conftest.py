import shutil
import tempfile

import pytest

from lvzhi.core.sms import MemorySmsBackend

# --- files --------------------------------------------------------------------------------------------
# The demo city's attachments (materials, reply letters) and every upload of the session go to a folder of
# their own, removed at the end, so test runs leave nothing under ./var/media.
_media_root = tempfile.mkdtemp(prefix="lvzhi-test-media-")


def pytest_configure(config):
    from django.conf import settings

    settings.MEDIA_ROOT = _media_root


def pytest_unconfigure(config):
    shutil.rmtree(_media_root, ignore_errors=True)


# --- the demo city (示范市) in the test database ----------------------------------------------------
# Built once per test session, so every test sees it (filter by what a test creates, or use the demo
# records by their known names). A transactional test (live_server, transaction=True) ends by emptying
# every table; the demo city and the seeded calendar are then put back before the next test that uses the
# database.
_database_emptied = False


def _restore_shared_data() -> None:
    import importlib

    from django.apps import apps

    from lvzhi.core.models import CalendarDay
    from lvzhi.demo.city import build_demo_city, demo_is_loaded

    if not CalendarDay.objects.exists():
        importlib.import_module("lvzhi.core.migrations.0003_seed_calendar").seed(apps, None)
    if not demo_is_loaded():
        build_demo_city()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _restore_shared_data()


def _empties_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    if names & {"transactional_db", "live_server", "django_db_reset_sequences"}:
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or marker.args[:1] == (True,)
    )


def _uses_database(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        names
        & {"db", "transactional_db", "live_server", "django_db_reset_sequences", "admin_client", "admin_user"}
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    global _database_emptied
    if _database_emptied and _uses_database(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _restore_shared_data()
        _database_emptied = False
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    global _database_emptied
    yield
    if _empties_database(item):
        _database_emptied = True


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def sms_outbox():
    return MemorySmsBackend.outbox
