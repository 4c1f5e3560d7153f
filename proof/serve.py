"""`notifier` with the clock shifted by PROOF_CLOCK_OFFSET_SECONDS: the restart test's "the service was down for
hours". notifier.clock.now() is the only source of "now" in the code, so shifting it shifts the whole service."""

import os
import sys
from datetime import UTC, datetime, timedelta

from notifier import clock

offset = timedelta(seconds=float(os.environ.get("PROOF_CLOCK_OFFSET_SECONDS", "0")))
if offset:
    from notifier import scheduler

    real_now, real_start = clock.now, scheduler.start

    def shifted_now() -> datetime:
        return datetime.now(UTC) + offset

    def start_on_real_time(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        # APScheduler runs on the real clock: its first run must be "now" in real time, not `offset` from now.
        clock.now = real_now
        try:
            return real_start(*args, **kwargs)
        finally:
            clock.now = shifted_now

    clock.now = shifted_now
    scheduler.start = start_on_real_time

if __name__ == "__main__":
    from notifier.cli import main

    sys.exit(main(sys.argv[1:]))
