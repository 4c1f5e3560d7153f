"""SIEM intake: adapters per tool, authentication, the group-commit writer, correlation and triage."""
