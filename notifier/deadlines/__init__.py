"""Deadlines: pure rules (rules.py) and the stored rows (models.py, service.py)."""
