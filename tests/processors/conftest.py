from tests.reminders.conftest import settings, tick  # noqa: F401  (same SMTP-backed fixtures)
from tests.reminders.smtp import smtp  # noqa: F401
