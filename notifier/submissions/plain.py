"""A report's Markdown as plain text, whole and field by field, for pasting into a recipient's web form.

The NCSC and AP forms are plain text boxes: `**Regeling:**` pasted there keeps its asterisks, `\\_` its backslash.
The text is read from markdown-it's tokens (the parser behind the print view and the PDF), so the escaping done
for user text (submissions.markdown) is undone by the same rules that applied it, never by a regex of our own.

A field is what the templates write as `- **Label:** value` or as a `**Label**` line with the value under it; a
nested item belongs to its parent (`Contactpersoon – Telefoon`); text without a label of its own (the answer under
a numbered heading, the recipients list) is one field named after its section. The fields keep the order of the
Markdown, which follows the order of the recipient's form.
"""

from dataclasses import dataclass, field

from markdown_it.token import Token

from notifier.submissions import markdown as md

NESTED = " – "


@dataclass
class Field:
    label: str
    value: str
    labelled: bool = True


@dataclass
class Section:
    title: str
    fields: list[Field] = field(default_factory=list)


@dataclass(frozen=True)
class Plain:
    text: str
    sections: list[Section]


def _inline_text(children: list[Token]) -> str:
    out = []
    for child in children:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append("\n")
    return "".join(out)


def _split_label(children: list[Token]) -> tuple[str | None, str]:
    """(label, value) of a paragraph that opens with bold text, else (None, all of it)."""
    rest = [c for c in children if not (c.type == "text" and c.content == "")]
    if not rest or rest[0].type != "strong_open":
        return None, _inline_text(children)
    close = next((i for i, c in enumerate(rest) if c.type == "strong_close"), None)
    if close is None:
        return None, _inline_text(children)
    label = _inline_text(rest[1:close]).strip()
    value = _inline_text(rest[close + 1 :]).lstrip(" \n")
    return label.removesuffix(":").strip(), value


class _Builder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sections: list[Section] = [Section("")]
        self.lists: list[dict] = []  # open lists: ordered, the item's number, whether its bullet is still due
        self.parents: list[str | None] = []  # the label of each open list item
        self.heading_last = False
        self.merge = False  # the previous block was unlabelled text of this section

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "" and not self.heading_last:
            self.lines.append("")
        self.heading_last = False

    def heading(self, tag: str, text: str) -> None:
        current = self.sections[-1]
        if tag == "h1" and not current.title and not current.fields and len(self.sections) == 1:
            current.title = text
        elif tag in ("h1", "h2"):
            self.sections.append(Section(text))
        self.blank()
        self.lines.append(text)
        self.heading_last, self.merge = True, False

    def block(self, children: list[Token] | None, raw: str | None = None) -> None:
        label, value = _split_label(children) if children is not None else (None, raw or "")
        text = _inline_text(children) if children is not None else (raw or "").rstrip("\n")
        if self.lists:
            pad = "  " * (len(self.lists) - 1)
            kind = self.lists[-1]
            if kind["fresh"]:  # the item's first paragraph carries its bullet, the others are indented under it
                bullet = f"{kind['n']}. " if kind["ordered"] else "- "
                kind["fresh"] = False
            else:
                bullet = "  "
            first, *more = text.split("\n")
            self.lines.append(pad + bullet + first)
            self.lines.extend(pad + "  " + line for line in more)
        else:
            self.blank()
            self.lines.extend(text.split("\n"))
        self._field(label, value, in_list=bool(self.lists))

    def _field(self, label: str | None, value: str, *, in_list: bool) -> None:
        section = self.sections[-1]
        if label is not None:
            parent = next((p for p in reversed(self.parents[:-1]) if p), None) if in_list else None
            if in_list:
                self.parents[-1] = label
            section.fields.append(Field(f"{parent}{NESTED}{label}" if parent else label, value))
            self.merge = False
            return
        if self.merge and section.fields and not section.fields[-1].labelled:
            last = section.fields[-1]
            last.value += ("\n" if in_list else "\n\n") + value
        else:
            section.fields.append(Field(section.title or self.sections[0].title, value, labelled=False))
        self.merge = True


def convert(markdown: str) -> Plain:
    """The Markdown of a report as plain text and as its fields per section (headings as in split_sections)."""
    tokens = md.parse(markdown)
    b = _Builder()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        match tok.type:
            case "heading_open":
                b.heading(tok.tag, _inline_text(tokens[i + 1].children or []))
                i += 2
            case "bullet_list_open" | "ordered_list_open":
                if not b.lists:
                    b.blank()
                start = int(tok.attrGet("start") or 1) - 1
                b.lists.append({"ordered": tok.type == "ordered_list_open", "n": start, "fresh": False})
            case "bullet_list_close" | "ordered_list_close":
                b.lists.pop()
                b.merge = b.merge and bool(b.lists)
            case "list_item_open":
                b.parents.append(None)
                b.lists[-1]["n"] += 1
                b.lists[-1]["fresh"] = True
            case "list_item_close":
                b.parents.pop()
            case "inline":
                b.block(tok.children or [])
            case "code_block" | "fence":
                b.block(None, tok.content)
        i += 1
    while b.lines and b.lines[-1] == "":
        b.lines.pop()
    sections = [s for s in b.sections if s.title or s.fields]
    return Plain(text="\n".join(b.lines) + "\n", sections=sections)
