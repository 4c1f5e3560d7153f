"""The append-only audit trail, chained by SHA-256."""
