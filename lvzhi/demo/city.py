"""The demo city (示范市): placeholder until the generator lands."""

DEMO_PASSWORD = "Lvzhi@2026"


def demo_is_loaded() -> bool:
    from lvzhi.org.models import Congress

    return Congress.objects.exists()


def build_demo_city(progress: bool = False) -> None:
    from lvzhi.demo.generator import generate

    generate(seed=2026, progress=progress)


def print_demo_accounts() -> None:
    pass
