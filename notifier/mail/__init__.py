"""The outbox: mails are written in the transaction that causes them and delivered by a separate pass."""
