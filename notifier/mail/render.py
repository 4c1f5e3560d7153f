"""Render e-mails from templates/email/<name>.<lang>.{subject,txt,html}.j2 with StrictUndefined."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@lru_cache(maxsize=8)
def _environment(templates_dir: str) -> Environment:
    return Environment(
        loader=FileSystemLoader(str(Path(templates_dir) / "email")),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(templates_dir: Path, name: str, lang: str, context: dict[str, Any]) -> Rendered:
    env = _environment(str(templates_dir))
    subject = env.get_template(f"{name}.{lang}.subject.j2").render(context)
    return Rendered(
        subject=" ".join(subject.split()),
        text=env.get_template(f"{name}.{lang}.txt.j2").render(context),
        html=env.get_template(f"{name}.{lang}.html.j2").render(context),
    )
