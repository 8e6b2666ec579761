"""The writes of invited activities: one function per step (meetings.py, invitations.py, observers.py)."""
