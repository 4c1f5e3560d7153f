"""A PDF of a report, for the file or for recipients who want an attachment.

fpdf2 (pure Python, PyPI) draws the HTML of the one Markdown-to-HTML path (submissions.markdown, also behind the
print view) with write_html, so the PDF shows what the print view shows: user text literally, no link from it.
The core PDF fonts cannot show all of Dutch and the IoC text, so a Unicode TrueType font is needed: DejaVu Sans
from the Debian package fonts-dejavu-core (NOTIFIER_PDF_FONT_DIR points elsewhere). Without it the PDF is
unavailable, not wrong.
"""

import os
from pathlib import Path

from fpdf import FPDF, FontFace, TextStyle
from fpdf.enums import XPos, YPos

from notifier.submissions import markdown as md

FONT_DIR = Path(os.environ.get("NOTIFIER_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
# Our templates write neither italics nor code, but a filed text from before escaping may: each style then needs
# a Unicode font too, else fpdf2 fails on the page. Missing optional files fall back to the regular one.
OPTIONAL = {("DejaVu", "I"): "DejaVuSans-Oblique.ttf", ("DejaVu", "BI"): "DejaVuSans-BoldOblique.ttf"}
MONO = {"": "DejaVuSansMono.ttf", "B": "DejaVuSansMono-Bold.ttf"}
BLACK = (0, 0, 0)
HEADINGS = {"h1": 16, "h2": 12.5, "h3": 11, "h4": 10.5, "h5": 10, "h6": 10}


class PdfUnavailable(Exception):
    """The Unicode font is not installed."""


def available() -> bool:
    return (FONT_DIR / REGULAR).exists() and (FONT_DIR / BOLD).exists()


def _font(name: str, fallback: str) -> str:
    return str(FONT_DIR / name) if (FONT_DIR / name).exists() else str(FONT_DIR / fallback)


def _styles() -> dict[str, TextStyle | FontFace]:
    styles = {
        tag: TextStyle(font_family="DejaVu", font_style="B", font_size_pt=size, color=BLACK, t_margin=4, b_margin=1)
        for tag, size in HEADINGS.items()
    }
    styles["h1"] = TextStyle(font_family="DejaVu", font_style="B", font_size_pt=16, color=BLACK, t_margin=0)
    styles["p"] = TextStyle(t_margin=2, b_margin=0)
    styles["li"] = TextStyle(t_margin=1, l_margin=5)
    styles["blockquote"] = TextStyle(color=BLACK, t_margin=2, l_margin=5, b_margin=2)
    styles["pre"] = TextStyle(font_family="DejaVuMono", t_margin=2, b_margin=0)
    styles["code"] = FontFace(family="DejaVuMono")
    return styles


def render(text: str, *, title: str, footer: str) -> bytes:
    if not available():
        raise PdfUnavailable(f"font {FONT_DIR / REGULAR} not found (Debian package fonts-dejavu-core)")
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(FONT_DIR / REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / BOLD))
    for (family, style), name in OPTIONAL.items():
        pdf.add_font(family, style, _font(name, BOLD if "B" in style else REGULAR))
    for style, name in MONO.items():
        pdf.add_font("DejaVuMono", style, _font(name, BOLD if style else REGULAR))
    pdf.set_title(title)
    pdf.set_creator("meldplicht")
    pdf.add_page()
    pdf.set_font("DejaVu", "", 10)
    pdf.write_html(
        md.to_html(text),
        font_family="DejaVu",
        tag_styles=_styles(),
        ul_bullet_char="•",
        li_prefix_color=BLACK,
        warn_on_tags_not_matching=False,
    )
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(pdf.epw, 4, footer, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
