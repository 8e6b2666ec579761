import pytest

from lvzhi.core.sms import MemorySmsBackend


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    MemorySmsBackend.outbox.clear()
    yield
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def sms_outbox():
    return MemorySmsBackend.outbox
