"""Proof scripts for issue 7: crash, restart, replicas. Each runs on its own and exits non-zero on a broken guarantee."""
