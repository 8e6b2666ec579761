"""Pages of the deputy side of the suggestions loop."""


def panel_context(request, suggestion) -> dict:
    """What the deputy's action panel on the suggestion page needs (empty when the user has no part)."""
    return {}
