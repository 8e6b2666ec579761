"""Demo liaison (filled in by issue 6's work)."""


def build_demo_liaison() -> int:
    return 0
