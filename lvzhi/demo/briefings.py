"""Demo briefings (filled in by issue 6's work)."""


def build_demo_briefings() -> int:
    return 0
