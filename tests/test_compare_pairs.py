"""Relation labels, similarity and direction on pairs built for the purpose (tests/data)."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DATA

from retold import Pipeline

ORIGINAL = DATA / "port_strike_original.txt"


def test_verbatim_copy_is_a_duplicate_with_similarity_one(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, ORIGINAL)
    assert result.relation == "duplicate"
    assert result.similarity == 1.0
    assert result.added == [] and result.dropped == []
    assert all(link.kind == "verbatim" for link in result.alignment)


def test_copy_inside_a_web_page_is_a_duplicate(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, DATA / "port_strike_copy_with_chrome.html")
    assert result.relation == "duplicate"
    assert result.b.title == "Rotterdam dockworkers strike over pay"
    assert result.b.site == "Harbour Daily"
    assert result.b.published == "2024-03-18"
    assert result.b.author == "Staff Reporter"
    assert not any("Most read" in s or "Privacy" in s for s in result.b.sentences)
    for line in (
        "Home",
        "12 C",
        "- Advertisement -",
        "Most read",
        "© 2024 Harbour Daily. All rights reserved.",
    ):
        assert line in result.b.chrome


def test_small_edits_are_a_near_duplicate(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, DATA / "port_strike_near_duplicate.txt")
    assert result.relation == "near-duplicate"
    assert result.similarity > 0.95


def test_french_translation_is_a_translation(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, DATA / "port_strike_fr.txt")
    assert result.relation == "translation"
    assert result.b.language == "fr"
    assert len(result.alignment) == 8
    assert all(link.kind == "translation" for link in result.alignment)
    assert all(link.a == link.b for link in result.alignment)


def test_independent_report_of_the_same_event_is_closer_than_another_story(
    pipeline: Pipeline,
) -> None:
    # This independent report names no one and nothing of the original but Rotterdam; the
    # model fitted on real news, where other events of the same place and week share that
    # much, leaves it `related` (BENCHMARKS.md: story-pair recall is the open gap). It must
    # still not be a copy, and must stand closer than a story of another event.
    result = pipeline.compare(ORIGINAL, DATA / "port_strike_same_story.txt")
    other = pipeline.compare(ORIGINAL, DATA / "museum_other_story.txt")
    assert result.relation in ("same-story", "related")
    assert result.similarity < 0.3
    assert result.document_similarity > other.document_similarity + 0.3


def test_different_stories_on_the_same_day_are_not_related_copies(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, DATA / "museum_other_story.txt")
    assert result.relation in ("unrelated", "related")
    assert result.alignment == []
    assert result.similarity < 0.1


def test_changed_number_and_name_are_reported_as_changed(pipeline: Pipeline) -> None:
    original = ORIGINAL.read_text()
    altered = original.replace("about 40 ships", "about 60 ships").replace(
        "Marieke de Vries said", "Anna Jansen said"
    )
    result = pipeline.compare(original, altered)
    changed = {(f.before, f.after): f.kind for f in result.facts.changed}
    assert changed.get(("about 40", "about 60")) == "number"
    # the small tagger calls some people organisations; the change is reported either way
    assert changed.get(("Marieke de Vries", "Anna Jansen")) in ("person", "organisation")


def test_earlier_publication_date_decides_the_direction(pipeline: Pipeline, tmp_path: Path) -> None:
    text = ORIGINAL.read_text()
    later = tmp_path / "later.json"
    earlier = tmp_path / "earlier.json"
    later.write_text(json.dumps({"text": text, "published": "2024-03-19", "title": "Copy"}))
    earlier.write_text(json.dumps({"text": text, "published": "2024-03-18T09:00:00Z"}))
    result = pipeline.compare(later, earlier)
    assert result.direction == "b->a"
    assert any("published first" in reason for reason in result.evidence)


def test_direction_is_unknown_without_evidence(pipeline: Pipeline) -> None:
    result = pipeline.compare(ORIGINAL, DATA / "port_strike_near_duplicate.txt")
    assert result.direction == "unknown"


def test_python_api_accepts_raw_text() -> None:
    import retold

    text = ORIGINAL.read_text()
    result = retold.compare(text, text)
    assert result.relation == "duplicate"
    assert retold.load(text).sentences[0].text.startswith("Dockworkers at the port")


def test_russian_translation_is_a_translation(pipeline: Pipeline) -> None:
    result = pipeline.compare(DATA / "port_strike_ru.txt", ORIGINAL)
    assert result.relation == "translation"
    assert result.a.language == "ru"
    assert sorted((link.a, link.b) for link in result.alignment) == [([i], [i]) for i in range(8)]


def test_across_languages_only_figures_are_compared(pipeline: Pipeline) -> None:
    russian = (DATA / "port_strike_ru.txt").read_text().replace("около 40 судов", "около 60 судов")
    result = pipeline.compare(ORIGINAL, russian)
    assert result.facts.removed == [] and result.facts.added == []
    assert [(f.before, f.after) for f in result.facts.changed] == [("about 40", "60")]


def test_same_wording_about_another_event_is_not_a_copy(pipeline: Pipeline) -> None:
    """Agency templates: the text matches, the people, places and figures do not."""
    original = ORIGINAL.read_text()
    replacements = {
        "Rotterdam": "Hamburg", "FNV": "Verdi", "Marieke de Vries": "Jan Peters", "de Vries": "Peters",
        "2.5 percent": "4 percent", "eleven months": "six months", "Maasvlakte": "Waltershof",
        "about 40": "about 25", "Antwerp and Hamburg": "Bremen and Gdansk", "2019": "2016",
        "nine days": "five days", "300 million": "120 million", "Monday": "Thursday",
        "Wednesday": "Friday", "Sunday": "Wednesday",
    }  # fmt: skip
    other_event = original
    for old, new in replacements.items():
        other_event = other_event.replace(old, new)
    result = pipeline.compare(original, other_event)
    assert result.relation == "related"
    assert len(result.facts.changed) >= 5
