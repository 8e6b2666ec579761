"""Shared mechanisms only: audit events, deadlines and the working-day calendar, notifications,
errors, navigation, and the base templates."""
