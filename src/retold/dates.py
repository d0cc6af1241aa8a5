"""Dates: publication dates as the metadata gives them, parsed leniently, and the days an
article names in its text, in any of the languages it may be written in."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dateutil import parser


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parser.parse(value, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None


# Days named in the text: "3 June", "June 3rd", "3 июня", "3. Juni", "3 de junio", "6月3日",
# "03.06.2021". Month names come from CLDR (through `babel`) in every locale retold reads,
# both grammatical forms (Russian "июня" beside "июнь") and the abbreviations. A name is
# read in its article's language only, since some name different months in two languages
# (Croatian "listopad" is October, Czech "listopad" November); for text of unknown language,
# only names that mean one month everywhere are read.
DAY_KEY_MARK = "#"  # no other specific key holds it (words are letters, figures digits)
MONTH_LOCALES = ("ar_SY",)  # Levantine month names (حزيران) beside Egyptian ones (يونيو)
ACUTE = "\u0301"  # Greek tonos decomposes to it
DAY_SUFFIX = r"(?:st|nd|rd|th|er|ᵉʳ|º|ª|ης?|\.|-?го|-?е|-?ого)?"
CJK_DAY = re.compile(
    r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]|(?<!\d)(\d{1,2})월\s*(\d{1,2})일"
)
ISO_DAY = re.compile(r"(?<!\d)(?:19|20)\d\d-(\d\d)-(\d\d)(?!\d)")
DOTTED_DAY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class DayMention:
    start: int
    end: int
    month: int
    day: int

    @property
    def key(self) -> str:
        """The day as a specific: the same whatever language or form wrote it."""
        return f"{DAY_KEY_MARK}{self.month:02d}{self.day:02d}"


def is_day_key(key: str) -> bool:
    return key.startswith(DAY_KEY_MARK)


def day_label(key: str) -> str:
    """A day key as a reader writes the day: "#0603" -> "3 June"."""
    return f"{int(key[3:5])} {calendar.month_name[int(key[1:3])]}"


def days_named(text: str, language: str | None) -> list[DayMention]:
    found: list[DayMention] = []

    def add(start: int, end: int, month: int, day: int) -> None:
        overlapping = any(m.start < end and start < m.end for m in found)
        if 1 <= month <= 12 and 1 <= day <= 31 and not overlapping:
            found.append(DayMention(start, end, month, day))

    for match in CJK_DAY.finditer(text):
        month, day = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
        add(match.start(), match.end(), int(month), int(day))
    for match in ISO_DAY.finditer(text):
        add(match.start(), match.end(), int(match.group(1)), int(match.group(2)))
    for match in DOTTED_DAY.finditer(text):
        add(match.start(), match.end(), int(match.group(2)), int(match.group(1)))
    months = _month_names(language)
    day_first, month_first = _month_patterns(language)
    if day_first is not None and month_first is not None:
        for match in day_first.finditer(text):
            month = _month_number(months, match.group(2))
            if month:
                add(match.start(), match.end(), month, int(match.group(1)))
        for match in month_first.finditer(text):
            month = _month_number(months, match.group(1))
            if month:
                add(match.start(), match.end(), month, int(match.group(2)))
    return sorted(found, key=lambda m: m.start)


def _month_number(months: dict[str, int], written: str) -> int | None:
    """The month a matched name means. Matching ignores case, but lower-casing does not always
    give the table's spelling back (Turkish "NİSAN" lowers to "ni̇san" with a combining dot,
    "MAYIS" to "mayis" where the table has "mayıs")."""
    lowered = written.lower()
    return (
        months.get(lowered)
        or months.get(_without_accents(lowered))
        or _upper_case_month_names(tuple(months.items())).get(written.upper())
    )


@lru_cache(maxsize=64)
def _upper_case_month_names(months: tuple[tuple[str, int], ...]) -> dict[str, int]:
    return {name.upper(): number for name, number in months}


@lru_cache(maxsize=64)
def _month_patterns(language: str | None) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    names = sorted(_month_names(language), key=len, reverse=True)
    if not names:
        return None, None
    alternatives = "|".join(re.escape(n) for n in names)
    month = rf"({alternatives})\.?(?!\w)"
    day = r"(?<![\d.,])(\d{1,2})"
    day_first = re.compile(rf"{day}{DAY_SUFFIX}\s+(?:(?:de|of|the)\s+)?{month}", re.IGNORECASE)
    month_first = re.compile(
        rf"(?<!\w)({alternatives})\.?\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?![\d.,]\d)(?!\d)",
        re.IGNORECASE,
    )
    return day_first, month_first


@lru_cache(maxsize=64)
def _month_names(language: str | None) -> dict[str, int]:
    """Lower-cased month names (with and without accents) -> month number."""
    tables = _month_tables()
    if language and language in tables:
        table = dict(tables[language])
        if language != "en":
            table.update({k: v for k, v in tables["en"].items() if k not in table})
        return _with_capitals_spellings(table)
    everywhere: dict[str, set[int]] = {}
    for table in tables.values():
        for name, number in table.items():
            everywhere.setdefault(name, set()).add(number)
    return _with_capitals_spellings(
        {name: next(iter(n)) for name, n in everywhere.items() if len(n) == 1}
    )


def _with_capitals_spellings(table: dict[str, int]) -> dict[str, int]:
    """Add the spelling a name takes when the page sets it in capitals, where case-blind matching
    cannot reach it: Greek capitals drop the stress mark but keep the diaeresis ("ΜΑΪΟΥ" is
    "μαΐου"), so neither the accented nor the bare lower-case name matches them."""
    spelled = dict(table)
    for name, number in table.items():
        unstressed = unicodedata.normalize(
            "NFC", unicodedata.normalize("NFD", name).replace(ACUTE, "")
        )
        spelled.setdefault(unstressed, number)
    return spelled


@lru_cache(maxsize=1)
def _month_tables() -> dict[str, dict[str, int]]:
    from retold.places import packaged_cldr_names

    packaged = packaged_cldr_names()
    if packaged is None:
        return build_month_tables()
    months: dict[str, dict[str, int]] = packaged["months"]
    return months


def build_month_tables() -> dict[str, dict[str, int]]:
    """Per language, lower-cased month names -> month number, from CLDR through `babel`."""
    from babel import Locale

    from retold.places import HAN_OR_KANA, LOCALES

    tables: dict[str, dict[str, set[int]]] = {}
    for code in LOCALES + MONTH_LOCALES:
        locale = Locale.parse(code)
        table = tables.setdefault(code.split("_")[0], {})
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in locale.months[context][width].items():
                    name = name.strip(".").lower()
                    if len(name) < 3 or HAN_OR_KANA.search(name) or re.search(r"\d", name):
                        continue
                    for form in {name, _without_accents(name)}:
                        table.setdefault(form, set()).add(int(number))
    return {
        language: {name: next(iter(n)) for name, n in table.items() if len(n) == 1}
        for language, table in tables.items()
    }


def _without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
