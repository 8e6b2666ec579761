"""Writes of training: one function per step (classes.py: the class; enrolment.py: enrolment and attendance)."""
