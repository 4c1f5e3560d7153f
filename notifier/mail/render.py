"""Render e-mails from templates/email/<name>.<lang>.{subject,txt,html}.j2 with StrictUndefined."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=16)
def _environment(templates_dir: str, html: bool) -> Environment:
    # The HTML part gets an environment of its own that escapes everything it outputs, included templates too:
    # with one environment that escapes by file name, `{% include "x.subject.j2" %}` in an HTML part came out raw
    # (a processor named <script> ended up as markup). Subject and text parts are not HTML and are never escaped.
    return Environment(
        loader=FileSystemLoader(str(Path(templates_dir) / "email")),
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(templates_dir: Path, name: str, lang: str, context: dict[str, Any]) -> Rendered:
    text_env, html_env = _environment(str(templates_dir), False), _environment(str(templates_dir), True)
    subject = text_env.get_template(f"{name}.{lang}.subject.j2").render(context)
    return Rendered(
        subject=" ".join(subject.split()),
        text=text_env.get_template(f"{name}.{lang}.txt.j2").render(context),
        html=html_env.get_template(f"{name}.{lang}.html.j2").render(context),
    )
