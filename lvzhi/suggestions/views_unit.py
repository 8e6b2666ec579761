"""Pages of the unit side of the suggestions loop."""


def panel_context(request, suggestion) -> dict:
    """What the unit's action panel on the suggestion page needs (empty when the user has no part)."""
    return {}
