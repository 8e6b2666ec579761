"""Pages of the office side of the suggestions loop."""


def panel_context(request, suggestion) -> dict:
    """What the office's action panel on the suggestion page needs (empty when the user has no part)."""
    return {}
