"""Processors (cloud providers): register, information requests with a signed reply link, escalation, timeliness."""
