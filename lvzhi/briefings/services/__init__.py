"""The writes of briefings, one function per step: drafts (drafts.py), publishing and withdrawing, reminders
(publishing.py), and a deputy opening one (reading.py)."""
