"""Deadline reminders: the ladder (pure), the planned steps (rows) and the sweep that turns them into mail."""
