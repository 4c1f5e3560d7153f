"""A printable, self-contained HTML page of a report.

The body comes from the one Markdown-to-HTML path (submissions.markdown, also behind the PDF), which escapes
everything and adds only the markup our templates write; user text in the Markdown was escaped when rendered.
"""

from typing import TYPE_CHECKING

from jinja2 import Environment, StrictUndefined

from notifier.i18n import pick
from notifier.submissions import markdown as md

if TYPE_CHECKING:
    from notifier.submissions.render import Rendered

PAGE = Environment(undefined=StrictUndefined, autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
  @page { size: A4; margin: 18mm 16mm; }
  body { font: 11pt/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; color: #111; max-width: 46em; margin: 2em auto;
         padding: 0 1em; }
  h1 { font-size: 17pt; margin: 0 0 .4em; }
  h2 { font-size: 13pt; margin: 1.4em 0 .4em; border-bottom: 1px solid #999; page-break-after: avoid; }
  h3 { font-size: 11.5pt; margin: 1em 0 .3em; }
  ul { padding-left: 1.3em; } li { margin: .15em 0; }
  p, li { page-break-inside: avoid; }
  .status { border: 1px solid #b00; background: #fff4f4; padding: .5em .8em; margin: 0 0 1.2em; }
  .status.ok { border-color: #070; background: #f3fbf3; }
  .meta { color: #444; font-size: 9pt; margin-top: 2em; border-top: 1px solid #ccc; padding-top: .4em; }
  @media print { body { margin: 0; max-width: none; } .status { background: none; } }
</style>
</head>
<body>
{% if missing %}
<div class="status">{{ missing_label }}: {{ missing | join(", ") }}</div>
{% elif show_status %}
<div class="status ok">{{ complete_label }}</div>
{% endif %}
{{ body | safe }}
<p class="meta">{{ footer }}</p>
</body>
</html>
"""
)


def page(text: str, *, title: str, lang: str, missing: list[str], footer: str, show_status: bool = True) -> str:
    return PAGE.render(
        lang=lang,
        title=title,
        body=md.to_html(text),
        missing=missing,
        show_status=show_status,
        missing_label=pick(lang, "Ontbrekende verplichte gegevens", "Required information missing"),
        complete_label=pick(lang, "Alle verplichte gegevens zijn ingevuld", "All required information given"),
        footer=footer,
    )


def draft_footer(as_of_text: str, lang: str) -> str:
    """The line under a draft (print view and PDF): when it was drawn up."""
    return f"{pick(lang, 'Concept van', 'Draft of')} {as_of_text} · meldplicht"


def draft_page(rendered: "Rendered", lang: str) -> str:
    """A draft as the printable page: the box at the top lists missing required fields (not part of the text)."""
    c = rendered.context
    labels = [r.label for r in c.required if not r.present]
    return page(rendered.text, title=c.title, lang=lang, missing=labels, footer=draft_footer(c.as_of_text, lang))
