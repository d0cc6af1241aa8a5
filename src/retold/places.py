"""Countries and major cities under one key whatever language names them.

Specifics match names by their letters (`specifics.specific_key`), which joins Лукашенко and
Lukashenko but not exonyms: Maroc, Marokko, Marruecos and Morocco, or Moscou, Moskau and
Moscow, are different words. A translation of a report then shares few specifics with its
source and looks like another event that repeats the wording (the Morocco aid offers in
French and English: one specific weight shared where the dev copies share twice as much).
CLDR, through `babel`, names every territory in every locale and the exemplar city of every
time zone (Moscou, Moskau, Москва, 莫斯科); each of those names, keyed as specifics key words,
is mapped to the place's code. Keys that two places share (Niger and Nigeria) are left alone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

Key = TypeVar("Key", str, tuple[str, ...])

# The languages of the news retold reads: every language with a word-frequency table, and the
# CJK languages, whose names are found inside runs of characters.
LOCALES = (
    "ar", "bg", "bn", "bs", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fil",
    "fr", "he", "hi", "hr", "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "mk", "ms", "nb",
    "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sq", "sr", "sv", "ta", "th", "tr", "uk", "ur",
    "vi", "zh",
)  # fmt: skip
CLDR_NAMES_FILE = "cldr_names.json"
HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
COUNTRY = re.compile(r"^[A-Z]{2}$")
# Territories whose CLDR names are common words or other things first.
SKIPPED_TERRITORIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@dataclass(frozen=True)
class PlaceNames:
    """Keyed names of places: single words, runs of words, and CJK names to find in text."""

    words: dict[str, str]  # one key word -> place
    phrases: dict[tuple[str, ...], str]  # two or more key words in a row -> place
    cjk: dict[str, str]  # a name in Han or kana -> place
    longest_phrase: int


@lru_cache(maxsize=1)
def place_names() -> PlaceNames:
    """The packaged table (bench/build_cldr_names.py writes it from babel: loading CLDR for 47
    locales takes a second or two at every process start), or a fresh build without it."""
    packaged = packaged_cldr_names()
    if packaged is None:
        return build_place_names()
    return place_names_from_json(packaged["places"])


@lru_cache(maxsize=1)
def packaged_cldr_names() -> dict[str, Any] | None:
    """Read once: the place names and the month names both come from this file."""
    path = resources.files("retold") / "data" / CLDR_NAMES_FILE
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def place_names_to_json(places: PlaceNames) -> dict[str, Any]:
    return {
        "words": places.words,
        "phrases": {" ".join(k): v for k, v in places.phrases.items()},
        "cjk": places.cjk,
    }


def place_names_from_json(data: dict[str, Any]) -> PlaceNames:
    phrases = {tuple(k.split(" ")): v for k, v in data["phrases"].items()}
    return PlaceNames(
        words=dict(data["words"]),
        phrases=phrases,
        cjk=dict(data["cjk"]),
        longest_phrase=max((len(k) for k in phrases), default=1),
    )


def build_place_names() -> PlaceNames:
    from babel import Locale

    from retold.specifics import WORD, specific_key

    names: dict[str, set[str]] = {}
    for code in LOCALES:
        locale = Locale.parse(code)
        for territory, name in locale.territories.items():
            if COUNTRY.match(territory) and territory not in SKIPPED_TERRITORIES:
                names.setdefault(name, set()).add(territory)
        for zone, info in locale.time_zones.items():
            city = info.get("city")
            if city:
                names.setdefault(city, set()).add(zone)
            names.setdefault(zone.rsplit("/", 1)[-1].replace("_", " "), set()).add(zone)
    words: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    cjk: dict[str, set[str]] = {}
    for name, places in names.items():
        if HAN_OR_KANA.search(name):
            if len(name) >= 2:
                cjk.setdefault(name, set()).update(places)
            continue
        keys = tuple(k for k in (specific_key(m.group()) for m in WORD.finditer(name)) if k)
        if len(keys) == 1:
            words.setdefault(keys[0], set()).update(places)
        elif len(keys) > 1:
            phrases.setdefault(keys, set()).update(places)
    return PlaceNames(
        words=_unambiguous(words),
        phrases=_unambiguous(phrases),
        cjk=_unambiguous(cjk),
        longest_phrase=max((len(k) for k in phrases), default=1),
    )


def place_key(place: str) -> str:
    return f"@{place.lower()}"


def _unambiguous(table: dict[Key, set[str]]) -> dict[Key, str]:
    return {key: place_key(next(iter(p))) for key, p in table.items() if len(p) == 1}
