"""SMS senders. The backend is a setting (LVZHI_SMS_BACKEND); a real gateway is one more class here."""

from __future__ import annotations

import logging
import sys

logger = logging.getLogger("lvzhi.sms")


class SmsError(Exception):
    pass


class ConsoleSmsBackend:
    """Demo mode: prints the message where the operator can see it."""

    def send(self, *, mobile: str, text: str) -> None:
        print(f"[SMS → {mobile}] {text}", file=sys.stdout, flush=True)


class MemorySmsBackend:
    """Tests: keeps what was sent in `outbox`."""

    outbox: list[dict] = []

    def send(self, *, mobile: str, text: str) -> None:
        MemorySmsBackend.outbox.append({"mobile": mobile, "text": text})


def get_backend():
    from django.conf import settings
    from django.utils.module_loading import import_string

    return import_string(settings.LVZHI_SMS_BACKEND)()
