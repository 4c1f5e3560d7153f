"""Walk every route of the app, also inside included routers (FastAPI >= 0.16x nests them)."""

from fastapi.routing import APIRoute


def all_routes(routes, prefix: str = ""):
    """(path, methods, endpoint) of every route."""
    for route in routes:
        original = getattr(route, "original_router", None)
        if original is not None:
            yield from all_routes(original.routes, prefix + route.include_context.prefix)
        elif isinstance(route, APIRoute):
            yield prefix + route.path, route.methods, route.endpoint
