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


def in_sentence(title: str) -> str:
    """A title inside a sentence: 'Melding datalek aan de AP' reads 'melding datalek aan de AP' (lowering the whole
    title made it 'aan de ap'); a title that starts with an acronym ('AP-melding', 'CSIRT ...') stays."""
    first = title.split(" ", 1)[0]
    if len(first) > 1 and first[1].isupper():
        return title
    return title[:1].lower() + title[1:]
