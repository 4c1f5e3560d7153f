"""What was filed, as a reader sees it again: the printable page and the PDF of a confirmed submission, with the
filing details (when, who, reference, hash) underneath. The API and the pages answer the same documents."""

from zoneinfo import ZoneInfo

from notifier.i18n import pick
from notifier.incidents.models import Submission
from notifier.submissions import html, pdf
from notifier.submissions.present import instant


def footer(sub: Submission, zone: ZoneInfo) -> str:
    lang = sub.language or "nl"
    when = instant(sub.submitted_at, zone, lang)
    reference = sub.reference or "-"
    return pick(
        lang,
        f"Ingediend {when} door {sub.confirmed_by}; kenmerk {reference}; SHA-256 {sub.sha256}",
        f"Filed {when} by {sub.confirmed_by}; reference {reference}; SHA-256 {sub.sha256}",
    )


def print_page(sub: Submission, zone: ZoneInfo) -> str:
    """The filed text exactly as filed (no completeness box: it was decided when it was filed)."""
    lang = sub.language or "nl"
    return html.page(
        sub.text or "",
        title=sub.stage,
        lang=lang,
        missing=sub.missing or [],
        footer=footer(sub, zone),
        show_status=False,
    )


def pdf_bytes(sub: Submission, zone: ZoneInfo) -> bytes:
    """Raises pdf.PdfUnavailable without the Unicode font."""
    return pdf.render(sub.text or "", title=sub.stage, footer=footer(sub, zone))


def pdf_name(sub: Submission) -> str:
    return f"{sub.regime}-{sub.stage}-{sub.incident_id}-{sub.id}.pdf"
