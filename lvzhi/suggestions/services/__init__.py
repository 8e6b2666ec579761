"""Writes of the suggestions loop: one function per step, each one transaction under a row lock.

Each step re-reads the suggestion with select_for_update, checks the step against workflow.TRANSITIONS and
the actor's right, saves with update_fields, records an event (who, when, from -> to, why) and queues
notifications after the commit. A refused step raises ServiceError and changes nothing.
"""
