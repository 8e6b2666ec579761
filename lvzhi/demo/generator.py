"""Placeholder; replaced by the generator."""


def generate(seed: int = 2026, progress: bool = False) -> None:
    pass
