"""Motions and suggestions (议案、建议): the closed loop from a deputy's draft to a rated reply and disclosure."""
