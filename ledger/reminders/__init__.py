"""Expiry reminders: planning, claims in the database, delivery through notifiers."""
