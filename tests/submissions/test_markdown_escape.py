"""Property: escaped user text, parsed by a full CommonMark parser (raw HTML and links on), is one paragraph of
plain text that reads exactly as typed. This is what keeps a title or fact from adding structure to a report."""

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from notifier.submissions.markdown import escape_block, escape_line

PARSER = MarkdownIt("commonmark")  # html, links, images, autolinks, entities all enabled
# Markdown syntax characters and digits, often, so generated text hits the constructs; any other text too.
ALPHABET = st.sampled_from(list("#*_-+=>`~[]()!<&;\\|. 1aZ\n\r\t\x00\u2028é"))
TEXT = st.lists(st.one_of(ALPHABET, st.characters()), max_size=40).map("".join)


def _rendered(markdown: str) -> tuple[list[str], str]:
    tokens = PARSER.parse(markdown)
    kinds = [t.type for t in tokens]
    text = "".join(
        "\n" if c.type == "softbreak" else c.content for t in tokens if t.type == "inline" for c in t.children or []
    )
    inline = [c.type for t in tokens if t.type == "inline" for c in t.children or []]
    return kinds + inline, text


BREAKS = r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]"
CONTROLS = r"[\x00-\x08\x0e-\x1f\x7f-\x9f]"


def _expected_lines(value: str) -> list[str]:
    value = re.sub(CONTROLS, "", value.replace("\t", " "))
    return [line.strip(" ") for line in re.split(BREAKS, value)]


PLAIN = {"paragraph_open", "paragraph_close", "inline", "text", "softbreak"}


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("Storing\n## 3. Contactgegevens\n- **Naam:** Eve")
@example("[a]: http://evil.example\n[portal][a]")
@example("&amp; &#x41; <http://x> <b>z</b> ~~x~~ a\\b \\*c\\* `c` _y_ 1) x")
def test_an_escaped_line_is_plain_text_as_typed(value):
    kinds, text = _rendered(escape_line(value))
    assert set(kinds) <= PLAIN, (value, escape_line(value), kinds)
    # Unicode whitespace other than a space is kept, but the parser trims it at the paragraph's ends.
    expected = re.sub(CONTROLS, "", re.sub(BREAKS, " ", value)).replace("\t", " ").strip(" ")
    assert text.strip() == expected.strip(), (value, escape_line(value))


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("Eerste\n## 9. Verzonnen\n    # Kop\n- lijst\n1. genummerd\n===\n> q\n```\nx")
def test_an_escaped_block_keeps_its_lines_and_starts_no_block(value):
    kinds, text = _rendered(escape_block(value))
    assert set(kinds) <= PLAIN, (value, escape_block(value), kinds)
    # Blank lines split paragraphs (fine: no structure), so compare the non-blank lines.
    got = [line.strip() for line in text.split("\n") if line.strip()]
    want = [line.strip() for line in _expected_lines(value) if line.strip()]
    assert "".join(got) == "".join(want), (value, escape_block(value))
