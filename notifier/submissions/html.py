"""A printable, self-contained HTML page of a report.

The Markdown comes from our own templates, so a small converter for the subset they use (headings, lists, bold,
paragraphs with line breaks) is enough and needs no dependency. Everything is escaped before markup is added.
"""

import html
import re

from jinja2 import Environment, StrictUndefined

BOLD = re.compile(r"\*\*(.+?)\*\*")

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


def _inline(text: str) -> str:
    return BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False))


def markdown_to_html(text: str) -> str:
    out: list[str] = []
    paragraph: list[str] = []
    in_list = False

    def flush() -> None:
        nonlocal in_list
        if paragraph:
            out.append("<p>" + "<br>\n".join(_inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if in_list:
            out.append("</ul>")
            in_list = False

    for line in text.splitlines():
        heading = re.match(r"^(#{1,3}) (.*)$", line)
        if heading:
            flush()
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif line.startswith("- "):
            if paragraph:
                out.append("<p>" + "<br>\n".join(_inline(p) for p in paragraph) + "</p>")
                paragraph.clear()
            if not in_list:
                out.append("<ul>")
                in_list = True
            out.append(f"<li>{_inline(line[2:])}</li>")
        elif not line.strip():
            flush()
        elif in_list and line.startswith("  "):
            out[-1] = out[-1][: -len("</li>")] + "<br>\n" + _inline(line.strip()) + "</li>"
        else:
            if in_list:
                flush()
            paragraph.append(line)
    flush()
    return "\n".join(out)


def page(text: str, *, title: str, lang: str, missing: list[str], footer: str, show_status: bool = True) -> str:
    return PAGE.render(
        lang=lang,
        title=title,
        body=markdown_to_html(text),
        missing=missing,
        show_status=show_status,
        missing_label="Ontbrekende verplichte gegevens" if lang == "nl" else "Required information missing",
        complete_label="Alle verplichte gegevens zijn ingevuld" if lang == "nl" else "All required information given",
        footer=footer,
    )
