"""Demo reception (filled in by issue 6's work)."""


def build_demo_reception() -> int:
    return 0
