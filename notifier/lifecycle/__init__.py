"""The one place that sequences an incident's event: state transition, the filing frozen, deadlines recomputed,
reminders planned, the audit record (events.py); and the read side that joins those domains (views.py)."""
