"""A self-contained side-by-side HTML report. All article text is escaped (Jinja2 autoescape)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from retold.result import CompareResult


@dataclass
class Row:
    kind: str  # verbatim, paraphrase, translation, added, dropped
    a: list[tuple[int, Markup]] = field(default_factory=list)
    b: list[tuple[int, Markup]] = field(default_factory=list)
    score: float | None = None


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("retold.report", "templates"),
        autoescape=select_autoescape(["html"], default=True),
    )


def render_compare_html(result: CompareResult) -> str:
    return _environment().get_template("compare.html").render(r=result, rows=build_rows(result))


def build_rows(result: CompareResult) -> list[Row]:
    """Rows in the derived article's order; each dropped sentence follows its predecessor in a."""
    marks_a = _marks(result, "a")
    marks_b = _marks(result, "b")

    def a_cell(i: int) -> tuple[int, Markup]:
        return i, highlight(result.a.sentences[i], marks_a.get(i, []))

    def b_cell(j: int) -> tuple[int, Markup]:
        return j, highlight(result.b.sentences[j], marks_b.get(j, []))

    rows = [
        Row(link.kind, [a_cell(i) for i in link.a], [b_cell(j) for j in link.b], link.score)
        for link in result.alignment
    ]
    rows += [Row("added", b=[b_cell(j)]) for j in result.added]
    rows.sort(key=lambda r: r.b[0][0])
    for i in sorted(result.dropped):
        position = 0
        for n, row in enumerate(rows):
            if any(k < i for k, _ in row.a):
                position = n + 1
        rows.insert(position, Row("dropped", a=[a_cell(i)]))
    return rows


def _marks(result: CompareResult, side: str) -> dict[int, list[tuple[str, str]]]:
    """Per sentence, the fact phrases to highlight and the class saying how they changed."""
    marks: dict[int, list[tuple[str, str]]] = {}
    groups = (
        ("removed", result.facts.removed),
        ("added", result.facts.added),
        ("changed", result.facts.changed),
    )
    for change, items in groups:
        for fact in items:
            indices = fact.a if side == "a" else fact.b
            phrase = (fact.before if side == "a" else fact.after) or fact.text
            for index in indices:
                marks.setdefault(index, []).append((phrase, f"fact-{change}"))
    return marks


def highlight(text: str, marks: list[tuple[str, str]]) -> Markup:
    """Escape `text`, wrapping each marked phrase in <mark class=...>."""
    spans: list[tuple[int, int, str]] = []
    for phrase, css in marks:
        for match in re.finditer(rf"(?<!\w){re.escape(phrase)}(?!\w)", text):
            if not any(s < match.end() and match.start() < e for s, e, _ in spans):
                spans.append((match.start(), match.end(), css))
    spans.sort()
    out = Markup("")
    position = 0
    for start, end, css in spans:
        out += escape(text[position:start])
        out += Markup('<mark class="{}">{}</mark>').format(css, text[start:end])
        position = end
    return out + escape(text[position:])
