"""Proof scripts for issue 7 (crash, restart): each runs on its own and exits non-zero on a broken guarantee."""
