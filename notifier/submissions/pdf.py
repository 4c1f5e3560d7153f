"""A PDF of a report, for the file or for recipients who want an attachment.

fpdf2 (pure Python, PyPI) draws the same Markdown subset the HTML view understands. The core PDF fonts cannot show
all of Dutch and the IoC text, so a Unicode TrueType font is needed: DejaVu Sans from the Debian package
fonts-dejavu-core (NOTIFIER_PDF_FONT_DIR points elsewhere). Without it the PDF is unavailable, not wrong.
"""

import os
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

FONT_DIR = Path(os.environ.get("NOTIFIER_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
REGULAR, BOLD = "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"
HEADING = re.compile(r"^(#{1,3}) (.*)$")


class PdfUnavailable(Exception):
    """The Unicode font is not installed."""


def available() -> bool:
    return (FONT_DIR / REGULAR).exists() and (FONT_DIR / BOLD).exists()


def _escape(text: str) -> str:
    # fpdf2's markdown treats __ and -- as markup too; only **bold** is ours.
    return text.replace("__", "\\_\\_").replace("--", "\\-\\-")


def render(text: str, *, title: str, footer: str) -> bytes:
    if not available():
        raise PdfUnavailable(f"font {FONT_DIR / REGULAR} not found (Debian package fonts-dejavu-core)")
    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_font("DejaVu", "", str(FONT_DIR / REGULAR))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / BOLD))
    pdf.set_title(title)
    pdf.set_creator("meldplicht")
    pdf.add_page()
    width = pdf.epw
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            size = {1: 16, 2: 12.5, 3: 11}[len(heading.group(1))]
            pdf.ln(2 if len(heading.group(1)) > 1 else 0)
            pdf.set_font("DejaVu", "B", size)
            pdf.multi_cell(width, size * 0.55, heading.group(2), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
            continue
        pdf.set_font("DejaVu", "", 10)
        if not line.strip():
            pdf.ln(2.5)
        elif line.startswith("- "):
            pdf.set_x(pdf.l_margin + 3)
            pdf.multi_cell(
                width - 3, 5, "• " + _escape(line[2:]), markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
            )
        else:
            pdf.multi_cell(width, 5, _escape(line), markdown=True, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("DejaVu", "", 8)
    pdf.multi_cell(width, 4, footer, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
