"""/docs: Swagger UI from the `swagger-ui-py` package, so the API documentation works on a closed network. It ships
Swagger UI 5, which reads the OpenAPI 3.1 FastAPI writes (`swagger-ui-bundle` ships 4, which cannot).

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script, which stayed blank without
internet access and needed the page exempted from the Content-Security-Policy. Here every asset is served from the
package and the start-up script is a file too, so /docs keeps the CSP every other answer has.
"""

from importlib.resources import files

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

ASSETS = "/docs/assets"
BUNDLE = files("swagger_ui") / "static"
FILES = {  # name -> media type; nothing else of the bundle's directory is served
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
START = """window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
});
"""
PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>meldplicht API</title>
<link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{ASSETS}/start.js"></script>
</body>
</html>
"""
CACHE = {"Cache-Control": "public, max-age=86400"}

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get(ASSETS + "/start.js")
def start() -> Response:
    return Response(START, media_type="text/javascript", headers=CACHE)


@router.get(ASSETS + "/{name}")
def asset(name: str) -> FileResponse:
    if name not in FILES:
        raise HTTPException(404, "not found")
    return FileResponse(str(BUNDLE / name), media_type=FILES[name], headers=CACHE)
