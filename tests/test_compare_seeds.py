"""The acceptance case: seed 001 is a content-farm rewrite of seed 000."""

from __future__ import annotations

from retold import CompareResult


def sentence_with(sentences: list[str], phrase: str) -> int:
    matches = [i for i, s in enumerate(sentences) if phrase in s]
    assert len(matches) == 1, f"{phrase!r} should stand in exactly one sentence: {matches}"
    return matches[0]


def test_page_chrome_is_not_article_text(seeds: CompareResult) -> None:
    chrome = seeds.b.chrome
    for line in ("32.7 C", "Tuesday, May 21, 2024", "Must read", "More articles", "Latest article"):
        assert line in chrome
    assert sum("Advertisement" in line for line in chrome) == 2
    body = " ".join(seeds.b.sentences)
    for debris in ("Must read", "Advertisement", "32.7 C", "Latest article", "Source:"):
        assert debris not in body


def test_link_teaser_and_debris_removed_from_source(seeds: CompareResult) -> None:
    assert any(line.startswith("Read also") for line in seeds.a.chrome)
    assert "– ." in seeds.a.chrome
    assert not any("Read also" in s for s in seeds.a.sentences)


def test_attribution_line_is_metadata(seeds: CompareResult) -> None:
    assert seeds.b.attribution == ["Source: politis.com.cy"]
    assert seeds.a.attribution == []


def test_title_detected_from_repeated_heading(seeds: CompareResult) -> None:
    assert seeds.b.title == "Common front of Russia-Belarus secret services towards the West"
    assert seeds.a.title is None
    assert seeds.b.title not in seeds.b.sentences


def test_inserted_denial_is_reported_as_added(seeds: CompareResult) -> None:
    denial = sentence_with(seeds.b.sentences, "denied the allegations")
    assert seeds.added == [denial]


def test_sentence_naming_the_chiefs_is_dropped(seeds: CompareResult) -> None:
    chiefs = sentence_with(seeds.a.sentences, "Naryshkin")
    assert seeds.dropped == [chiefs]


def test_every_sentence_is_aligned_or_listed(seeds: CompareResult) -> None:
    linked_a = {i for link in seeds.alignment for i in link.a}
    linked_b = {j for link in seeds.alignment for j in link.b}
    assert linked_a | set(seeds.dropped) == set(range(len(seeds.a.sentences)))
    assert linked_b | set(seeds.added) == set(range(len(seeds.b.sentences)))
    assert not linked_a & set(seeds.dropped)
    assert all(link.kind == "paraphrase" and 0.6 <= link.score <= 1 for link in seeds.alignment)


def test_sanctions_and_rapprochement_sentence_merges_two_source_sentences(
    seeds: CompareResult,
) -> None:
    merged = sentence_with(seeds.b.sentences, "imposed sanctions on the Lukashenko regime")
    sanctions = sentence_with(seeds.a.sentences, "adopted in reaction to the mass arrests")
    rapprochement = sentence_with(seeds.a.sentences, "accelerated rapprochement")
    link = next(link for link in seeds.alignment if merged in link.b)
    assert link.a == [sanctions, rapprochement]


def test_reordered_paragraphs_are_followed(seeds: CompareResult) -> None:
    according_a = sentence_with(seeds.a.sentences, "According to them")
    according_b = sentence_with(seeds.b.sentences, "According to the two intelligence chiefs")
    assert any(link.a == [according_a] and link.b == [according_b] for link in seeds.alignment)


def test_chiefs_names_and_date_are_removed_facts(seeds: CompareResult) -> None:
    removed = {(f.kind, f.text) for f in seeds.facts.removed}
    assert ("person", "Sergei Naryshkin") in removed
    assert ("person", "Ivan Tertel") in removed
    assert ("date", "Thursday (June 3rd)") in removed


def test_friday_is_added_with_the_inserted_claim(seeds: CompareResult) -> None:
    denial = sentence_with(seeds.b.sentences, "denied the allegations")
    friday = [f for f in seeds.facts.added if f.text == "Friday"]
    assert len(friday) == 1 and friday[0].kind == "date" and friday[0].b == [denial]
    assert any(f.kind == "quote" and f.b == [denial] for f in seeds.facts.added)


def test_last_summer_changed_to_last_year(seeds: CompareResult) -> None:
    changed = {(f.kind, f.before, f.after) for f in seeds.facts.changed}
    assert ("date", "last summer", "last year") in changed


def test_spelling_variants_of_a_name_are_not_a_change(seeds: CompareResult) -> None:
    every_fact = seeds.facts.added + seeds.facts.removed + seeds.facts.changed
    assert not any("Putin" in f.text or "Poutin" in f.text for f in every_fact)


def test_seeds_are_a_rewrite(seeds: CompareResult) -> None:
    assert seeds.relation == "rewrite"
    assert 0.6 <= seeds.similarity < 0.95


def test_direction_is_source_to_rewrite_with_evidence(seeds: CompareResult) -> None:
    assert seeds.direction == "a->b"
    assert any("Source: politis.com.cy" in reason for reason in seeds.evidence)
    assert any("Naryshkin" in reason for reason in seeds.evidence)


def test_swapping_the_inputs_swaps_the_direction(pipeline, seeds: CompareResult) -> None:
    from conftest import SEED_A, SEED_B

    swapped = pipeline.compare(SEED_B, SEED_A)
    assert swapped.direction == "b->a"
    assert swapped.relation == "rewrite"
    assert len(swapped.added) == 1 and "Naryshkin" in swapped.b.sentences[swapped.added[0]]
