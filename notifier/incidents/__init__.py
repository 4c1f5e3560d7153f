"""Incidents, their regime tracks, and the state machine that is the only writer of their status."""
