"""CSV cells that a spreadsheet shows as text, never runs as a formula (CSV injection).

Titles come from SIEM alerts, so a register export may hold `=cmd|' /C calc'!A0`. A cell that starts with one of
the characters Excel, LibreOffice and Google Sheets read as the start of a formula (= + - @, tab, carriage return)
gets one leading apostrophe, the usual neutraliser: the spreadsheet shows the text, a CSV reader sees the
apostrophe. Plain numbers (-12, +3.5) are left alone: a spreadsheet reads them as the same number either way.
defusedcsv does the same for = + - @ | % but neither for tab nor CR, and it rewrites every | inside the cell.
"""

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


def cell(value: str) -> str:
    if value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return "'" + value
    return value
