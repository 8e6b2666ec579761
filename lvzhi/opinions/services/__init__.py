"""Writes on citizens' opinions: one function per workflow step (see workflow.py)."""
