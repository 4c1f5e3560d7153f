"""Rendering pages: the Jinja2 environment (autoescape on) and the page response every web route answers with."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from notifier.accounts.roles import at_least
from notifier.web import auth
from notifier.web.i18n import language_for, state_label, t


def environment(templates_dir: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(Path(templates_dir) / "pages")),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(
    request: Request,
    template: str,
    *,
    viewer: auth.Viewer | None = None,
    lang: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    env: Environment = request.app.state.web_templates
    lang = lang or (viewer.lang if viewer else language_for(request, None))
    body = env.get_template(template).render(
        request=request,
        viewer=viewer,
        user=viewer.user if viewer else None,
        lang=lang,
        t=lambda key: t(key, lang),
        state=lambda name: state_label(name, lang),
        badge=lambda regime: regime_badge(request, regime, lang),
        csrf=auth.csrf_token(request),
        # The role ladder of notifier/accounts/roles.py: may("officer") is true for officers and administrators.
        may=lambda role: viewer is not None and viewer.role is not None and at_least(viewer.role, role),
        path=request.url.path,
        **context,
    )
    return HTMLResponse(body, status_code=status_code, headers={"Cache-Control": "no-store"})


def regime_badge(request: Request, regime: str, lang: str) -> str:
    """The regime's short name in the reader's language (workflow `short`), e.g. AVG / GDPR."""
    workflow = request.app.state.registry.get(regime)
    if workflow is None or workflow.short is None:
        return regime.upper()
    return workflow.short.get(lang)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
