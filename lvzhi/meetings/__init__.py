"""Invitations to meetings, inspections and research; citizens observing."""
