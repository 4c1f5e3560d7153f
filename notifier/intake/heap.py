"""Keep the garbage collector's full passes off the intake's latency.

Under an alert storm about 48 requests are always waiting for their batch's commit, so their objects survive the
young collections and are promoted; the old generation then fills quickly and CPython ran a full collection
every second or so. A full pass walks every object of the application (routes, schemas, SQLAlchemy metadata,
workflows): 110-215 ms per pass in the API process on the development machine, during which no request was
served, which made the p99 latency. gc.freeze() moves what exists after start-up into a permanent generation that
the collector no longer walks; cycles created later are still collected. Reference counting frees everything else
as before, so this only keeps start-up objects (already collected once here) out of the collector's walk.
"""

import gc

_frozen = False


def freeze_start_up() -> None:
    """At application start (every request benefits, not only the intake: a full pass over the start-up objects
    was also the p95 of the dashboard and the API lists); the first alert freezes once more, when the statement
    caches the intake builds on its first batch exist."""
    gc.collect()
    gc.freeze()


def freeze_once() -> None:
    """Called on the first alert (the application is fully built by then); a no-op afterwards."""
    global _frozen
    if _frozen:
        return
    _frozen = True
    freeze_start_up()
