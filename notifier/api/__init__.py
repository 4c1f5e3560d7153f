"""The JSON API: route modules, one per resource, above the lifecycle and the domains."""
