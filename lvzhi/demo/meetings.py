"""Demo meetings (filled in by issue 6's work)."""


def build_demo_meetings() -> int:
    return 0
