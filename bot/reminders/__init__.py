"""Bedtime stretch reminders: when the next one is due, how people name their time zone,
and the dispatcher that sends due reminders exactly once."""
