"""The database connection's options that the pages' speed relies on."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_answers_without_jit():
    # The JIT spent longer compiling a province's figure-list counts than running them (bench/README.md).
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
