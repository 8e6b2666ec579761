"""Briefings for deputies."""
