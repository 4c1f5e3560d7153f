"""The officer's web interface: server-rendered pages under /, signed session cookies, CSRF and TOTP."""
