"""Identity: users, roles, passwords and lockout, TOTP and recovery codes, and the session generation that ends a
user's sessions. Used by the web pages and the CLI; it renders nothing and knows no request."""
