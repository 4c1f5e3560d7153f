"""meldplicht: the incident notification orchestrator (NIS2 / Cbw and AVG reporting duties)."""

__version__ = "0.1.0"
