"""The two languages of meldplicht and the one place where a text is chosen for one of them.

Catalogues stay next to what they name (the pages' words in notifier/web/i18n.py, the assistant's in
notifier/assessment/labels.py, the workflows' labels in workflows/*.yaml); this module only decides. Dutch is the
default: the officers and authorities this software serves read it first, and any language meldplicht does not
know reads Dutch too.
"""

LANGUAGES = ("nl", "en")
DEFAULT = "nl"


def known(lang: str | None) -> str:
    """The language itself when meldplicht has it, else the default."""
    return lang if lang in LANGUAGES else DEFAULT


def pick(lang: str | None, nl: str, en: str) -> str:
    """The Dutch or the English text, for the reader's language."""
    return en if known(lang) == "en" else nl


def is_dutch(lang: str | None) -> bool:
    """For the few rules of writing that differ (a decimal comma, 'dag' / 'dagen'), not for choosing a text."""
    return known(lang) == "nl"
