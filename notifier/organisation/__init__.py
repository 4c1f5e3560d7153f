"""The organisation profile: who reports, in which sector, and whether the Cbw covers it."""
