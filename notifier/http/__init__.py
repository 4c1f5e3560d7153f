"""Request plumbing shared by the API, the web pages and the intake: no domain imports."""
