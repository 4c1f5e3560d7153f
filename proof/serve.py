"""`notifier` with the clock shifted by PROOF_CLOCK_OFFSET_SECONDS: the restart test's "the service was down for
hours". notifier.clock.now() is the only source of "now" in the code, so shifting it shifts the whole service."""

import os
import sys
from datetime import UTC, datetime, timedelta

from notifier import clock

offset = timedelta(seconds=float(os.environ.get("PROOF_CLOCK_OFFSET_SECONDS", "0")))
if offset:
    clock.now = lambda: datetime.now(UTC) + offset

if __name__ == "__main__":
    from notifier.cli import main

    sys.exit(main(sys.argv[1:]))
