"""User text inside our Markdown reports, and the one Markdown-to-HTML path (print view and PDF).

Titles come from SIEM alerts and facts from officers and processors, so a value may carry Markdown: a line break
and "## 3. Contactgegevens" would add a section to an early warning, `[portal](http://evil.example)` a link in
the PDF. Values that come from outside are marked `Line` (one line: breaks collapse to a space) or `Block`
(multi-line: every line is kept, none can start a heading, list, quote or code block) and the template
environment escapes them on output. The escaping is minimal on purpose: the Markdown is what the officer pastes
into a recipient's form, so ordinary text (paths with backslashes, snake_case, 21.300, R&D, ~300 GB) stays as typed.
"""

import re
from functools import lru_cache
from typing import Annotated, Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from pydantic import PlainValidator

# Everything str.splitlines() breaks on (our _tidy and split_sections use it), plus the other C0/C1 controls.
_BREAKS = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# Inline syntax. A backslash only escapes ASCII punctuation (C:\Windows stays as typed); `_` is emphasis only at
# a word edge (akira_readme.txt is not); `<` starts an autolink or tag only before a non-space; `&` an entity only
# in the form &name; or &#123;; one `~` is inert, two strike through in many renderers.
_PUNCT = re.escape(r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~""")
_INLINE = re.compile(
    rf"\\(?=[{_PUNCT}]|$)|[*`\[]|(?<![^\W_])_|_(?![^\W_])|<(?=\S)|&(?=#?\w+;)|~(?=~)|(?<=~)~",
    re.MULTILINE,
)
# Block syntax at the start of a line: headings, quotes, bullets, numbered items, setext underlines and rules,
# fenced code; leading indentation (4 spaces make a code block) is dropped.
_LIST_OR_HEADING = re.compile(r"^(#{1,6}|[-+*])(?=\s|$)")
_NUMBERED = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_UNDERLINE = re.compile(r"^[-=*_][-=*_ \t]*$")


def _inline(text: str) -> str:
    return _INLINE.sub(lambda m: "\\" + m.group(0), text)


def _line_start(line: str) -> str:
    line = line.lstrip(" \t")
    if _NUMBERED.match(line):
        return _NUMBERED.sub(r"\1\\\2", line, count=1)
    if line[:1] == ">" or _LIST_OR_HEADING.match(line) or _UNDERLINE.match(line):
        # A backslash before ASCII punctuation is a literal; `*`, `~~~` and ``` got theirs from _inline.
        return line if line[:1] == "\\" else "\\" + line
    return line


def escape_line(value: str) -> str:
    """One line of user text as Markdown that reads as typed."""
    flat = _CONTROLS.sub("", _BREAKS.sub(" ", value)).replace("\t", " ").strip()
    return _line_start(_inline(flat))


def escape_block(value: str) -> str:
    """Multi-line user text: its lines are kept, none of them can start a Markdown block of its own."""
    lines = _BREAKS.split(_CONTROLS.sub("", value.replace("\t", " ")))
    return "\n".join(_line_start(_inline(line.rstrip())) for line in lines).strip("\n")


class Line(str):
    """Text from outside, shown on one line (titles, names, references)."""

    escape = staticmethod(escape_line)


class Block(Line):
    """Text from outside that may span lines (facts, reasoning)."""

    escape = staticmethod(escape_block)


def _keep(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("text expected")
    return value


# A model field of this type keeps the Line/Block mark (a plain `str` field would drop it).
Text = Annotated[str, PlainValidator(_keep)]


def line(value: str | None) -> Line | None:
    return None if value is None else Line(value)


def block(value: str | None) -> Block | None:
    return None if value is None else Block(value)


def finalize(value: Any) -> Any:
    """The template environment's output hook: marked user text is escaped, our own text passes as written."""
    return value.escape(str(value)) if isinstance(value, Line) else value


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # CommonMark without raw HTML; links, images, autolinks and link definitions are off too: our templates use
    # none, so a link in the print view or the PDF can only be a bug. breaks=True keeps the line breaks of
    # multi-line facts (IoCs), as the print view always showed them.
    return MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(["link", "image", "autolink", "reference"])


def to_html(text: str) -> str:
    """The report's Markdown as HTML: everything escaped, then our headings, lists, bold and line breaks."""
    return _parser().render(text)


def parse(text: str) -> list[Token]:
    """The report's Markdown as markdown-it tokens, parsed as the print view parses it (for submissions.plain)."""
    return _parser().parse(text)
