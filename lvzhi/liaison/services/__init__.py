"""Writes of the two contacts: one function per step (assignments, contacts, raised opinions)."""
