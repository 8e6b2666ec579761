"""The Redis cache backend of production (REDIS_URL), against the machine's real Redis: one client per
connection pool serves every call, from every thread, and behaves as Django's own backend."""

import threading
import uuid

import pytest
import redis

from lvzhi.core.redis_cache import ReusingRedisCache

URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def cache():
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    backend = ReusingRedisCache(URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield backend
    backend.clear()


def test_values_round_trip_and_expire_as_with_djangos_backend(cache):
    cache.set("scope", {"roles": frozenset({"staff"})}, 60)
    assert cache.get("scope") == {"roles": frozenset({"staff"})}
    assert cache.add("scope", "other") is False
    assert cache.get_many(["scope", "missing"]) == {"scope": {"roles": frozenset({"staff"})}}
    cache.set("gone", 1, 0)  # a timeout of 0 deletes
    assert cache.get("gone") is None
    cache.delete("scope")
    assert cache.get("scope", "default") == "default"


def test_threads_share_the_client_and_each_gets_its_own_answers(cache):
    errors = []

    def work(n):
        try:
            for i in range(50):
                cache.set(f"t{n}:{i}", (n, i), 60)
                assert cache.get(f"t{n}:{i}") == (n, i)
        except Exception as exc:  # reported below: an assertion in a thread does not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(cache._cache._clients) == 1  # one client for the one server
