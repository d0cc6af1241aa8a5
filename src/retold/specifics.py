"""Event specifics: the names, places, figures and rare words that pin an article to one event.

Two reports of one event share specifics that a report of another event with the same actors
does not (the flight number, the day, the second official's name); a topic shares only common
words. Each specific is weighted by how rare it is (`wordfreq` Zipf frequency in the article's
language; figures by their length), and keyed so that it matches across scripts and inflections:
transliterated to ASCII (`anyascii`: Лукашенко → Lukashenko), spelt the same way whatever the
language's conventions (Naryszkin, Naryshkin and Нарышкин → "narishkin", Witebsk and Vitebsk
→ "vitebsk") and cut to its first letters (Лукашенка, Lukashenko → "lukas"; "naris", "viteb").
Hyphenated names are split (Notre-Dame → notre, dame) and French and Italian elided articles
dropped (l'Unesco → unesco).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii

from retold.dates import days_named, is_day_key
from retold.places import HAN_OR_KANA, PlaceNames, place_names

# Thousands grouped by a space, as French, Polish or Russian write them ("2 750"): one figure.
GROUPED_FIGURE = r"(?<![\d.,])\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)"
WORD = re.compile(rf"[^\W\d_]+|{GROUPED_FIGURE}|\d+(?:[.,]\d+)*")
ELIDED_ARTICLE = re.compile(r"^(?:l|d|qu|j|n|s|c|m|t|dell|nell|all|dall|sull)$", re.IGNORECASE)
# One spelling for the sounds European languages write differently, longest first.
SPELLING = (
    ("shch", "sh"), ("tsch", "ch"), ("sch", "sh"), ("sz", "sh"), ("cz", "ch"), ("w", "v"),
    ("y", "i"), ("j", "i"), ("kh", "h"), ("ck", "k"), ("c", "k"),
)  # fmt: skip
KEY_LETTERS = 5
# Raised whenever the keys or weights change, so that stored preparations are made again.
# (the record holds the facts too, so a change to them raises it as well)
# 2: countries and cities; 3: days of the month; 4: figures like 2 750; 5: months in capitals
SPECIFICS_VERSION = 5
# A country or city named across languages: shared by many reports of a week, but a translation
# that keeps it under another name still shares it.
PLACE_WEIGHT = 0.3
# A day of the month named in the text ("3 June", "3 июня", "6月3日"), keyed alike in every
# language: two events of one week with the same actors usually fall on different days.
DAY_WEIGHT = 0.6
# Zipf frequency 3 is about once in a million words (wordfreq's scale runs to ~8): at or above
# "common", a word says little about which event an article reports.
COMMON_ZIPF = 4.2
# Word-frequency tables exist for these languages (Chinese, Japanese and Korean need extra
# tokenisers, so they are left out); for others, capitalisation alone decides.
WORDFREQ_LANGUAGES = frozenset(
    {
        "ar", "bn", "bs", "bg", "ca", "hr", "cs", "da", "nl", "en", "fi", "fr", "de", "el",
        "he", "hi", "hu", "is", "id", "it", "lv", "lt", "mk", "ms", "nb", "no", "fa", "pl",
        "pt", "ro", "ru", "sl", "sk", "sr", "es", "sv", "fil", "ta", "tr", "uk", "ur", "vi",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Specifics:
    """Specific keys of one article and their weights (0..1, rarer is heavier)."""

    weights: dict[str, float]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


def article_specifics(sentences: list[str], language: str | None, title: str | None) -> Specifics:
    places = place_names()
    weights: dict[str, float] = {}

    def add(key: str, weight: float) -> None:
        if key and weight > 0:
            weights[key] = max(weights.get(key, 0.0), weight)

    for text in ([title] if title else []) + sentences:
        days = days_named(text, language)
        for day in days:
            add(day.key, DAY_WEIGHT)
        tokens = [
            m.group()
            for m in WORD.finditer(text)
            if not any(d.start <= m.start() < d.end for d in days)
        ]
        keys = [specific_key(t) for t in tokens]
        position = 0
        while position < len(tokens):
            token = tokens[position]
            if ELIDED_ARTICLE.match(token):
                position += 1
                continue
            weight = _token_weight(token, language, sentence_start=position == 0)
            taken = _phrase_length(places, keys, position)
            if taken:
                span = range(position, position + taken)
                phrase = tuple(keys[i] for i in span)
                weights_in = [_token_weight(tokens[i], language, i == 0) for i in span]
                add(places.phrases[phrase], max(PLACE_WEIGHT, *weights_in))
                position += taken
                continue
            if HAN_OR_KANA.search(token):
                for name in _cjk_pattern().findall(token):
                    add(places.cjk[name], PLACE_WEIGHT)
            key = keys[position]
            place = places.words.get(key)
            if place and not token[0].islower():
                # a place opening a sentence is still a place (and scripts without case)
                add(place, max(weight, PLACE_WEIGHT))
            else:
                add(key, weight)
            position += 1
    return Specifics(weights)


def _phrase_length(places: PlaceNames, keys: list[str], start: int) -> int:
    """How many words from `start` name a place together (0 when none do)."""
    if not keys[start]:
        return 0
    for length in range(min(places.longest_phrase, len(keys) - start), 1, -1):
        if tuple(keys[start : start + length]) in places.phrases:
            return length
    return 0


@lru_cache(maxsize=1)
def _cjk_pattern() -> re.Pattern[str]:
    names = sorted(place_names().cjk, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names))


def specific_key(token: str) -> str:
    if token[0].isdigit():
        return re.sub(r"\D", "", token)
    ascii_form = re.sub(r"[^a-z]", "", anyascii(token).lower())
    for written, spoken in SPELLING:
        ascii_form = ascii_form.replace(written, spoken)
    return ascii_form[:KEY_LETTERS] if len(ascii_form) >= 3 else ""


def _token_weight(token: str, language: str | None, sentence_start: bool) -> float:
    if token[0].isdigit():
        digits = re.sub(r"\D", "", token)
        if len(digits) <= 1:
            return 0.0
        if len(digits) == 4 and digits[:2] in ("19", "20"):
            return 0.3  # a year: shared by every story of that year
        return 0.4 if len(digits) == 2 else 0.8
    if len(token) < 3:
        return 0.0
    capitalised = token[0].isupper() and not sentence_start
    zipf = _zipf_or_none(token.lower(), language)
    if zipf is None:
        return 0.6 if capitalised else 0.0
    if zipf >= COMMON_ZIPF and not capitalised:
        return 0.0
    rarity = max(0.0, min(1.0, (6.0 - zipf) / 4.0))
    if capitalised:
        return max(0.2, rarity)
    return rarity if zipf < 3.0 else 0.0


def zipf(word: str, language: str | None) -> float | None:
    """wordfreq's Zipf frequency of the word in the language; None where it has no table."""
    return _zipf_or_none(word, language)


@lru_cache(maxsize=200_000)
def _zipf_or_none(word: str, language: str | None) -> float | None:
    if language not in WORDFREQ_LANGUAGES:
        return None
    from wordfreq import zipf_frequency

    try:
        return float(zipf_frequency(word, language))
    except Exception:  # a tokeniser wordfreq lacks for this text: no rarity, not a failure
        return None


@dataclass(frozen=True)
class SpecificOverlap:
    shared: float  # summed weight of the specifics both articles name
    containment: float  # shared weight over the lighter article's total
    jaccard: float  # shared weight over the union's weight
    only_a: float
    only_b: float
    days_shared: tuple[str, ...] = ()  # day keys ("#0603") both name
    days_only_a: tuple[str, ...] = ()
    days_only_b: tuple[str, ...] = ()


def overlap(a: Specifics, b: Specifics) -> SpecificOverlap:
    shared_keys = a.weights.keys() & b.weights.keys()
    days_a = {k for k in a.weights if is_day_key(k)}
    days_b = {k for k in b.weights if is_day_key(k)}
    shared = sum(min(a.weights[k], b.weights[k]) for k in shared_keys)
    only_a = sum(w for k, w in a.weights.items() if k not in shared_keys)
    only_b = sum(w for k, w in b.weights.items() if k not in shared_keys)
    lighter = min(a.total, b.total)
    union = shared + only_a + only_b
    return SpecificOverlap(
        shared=round(shared, 4),
        containment=round(shared / lighter, 4) if lighter else 0.0,
        jaccard=round(shared / union, 4) if union else 0.0,
        only_a=round(only_a, 4),
        only_b=round(only_b, 4),
        days_shared=tuple(sorted(days_a & days_b)),
        days_only_a=tuple(sorted(days_a - days_b)),
        days_only_b=tuple(sorted(days_b - days_a)),
    )
