"""Writes of the performance app: one function per step, each one transaction, audited."""
