"""Writes of the organisation: one function per write, keyword-only, each recording its event."""
