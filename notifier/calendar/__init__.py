"""iCalendar feeds of open deadlines behind a secret URL token."""
