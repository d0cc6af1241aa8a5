"""Every tunable number in one place, with the reason for its default."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    # Inputs larger than this are refused rather than parsed: no news article is 20 MB of text,
    # and a huge file is more likely a dump or an attack than a story.
    max_input_bytes: int = 20_000_000
    # An "article" of more sentences than this is a book or a dump: refused, since aligning it
    # would take minutes and explain nothing.
    max_sentences: int = 3000

    # English embeddings in bfloat16 where the CPU has native support ("auto"), or force
    # "float32" / "bfloat16".
    embedding_precision: str = "auto"

    # Cleaning: a line with fewer words than this and no sentence-ending punctuation is not prose.
    min_prose_words: int = 7
    # A title is a short line: headlines rarely run past this many words.
    max_title_words: int = 25

    # Alignment thresholds on cosine similarity, per embedding model (their scales differ).
    # Set from the similarity ranges seen on the pairs in tests/data; see docs/thresholds.md.
    english_align_threshold: float = 0.62
    multilingual_align_threshold: float = 0.55
    # e5 scores are compressed: unrelated sentences ~0.75, a translation ~0.87-0.93.
    e5_align_threshold: float = 0.86
    # A link this close (or verbatim) is a sentence taken over, not one on the same subject;
    # per model, since their scales differ.
    english_close_link: float = 0.85
    multilingual_close_link: float = 0.75
    e5_close_link: float = 0.9
    # A sentence joins its neighbour's group only if its own similarity to the other side is
    # at least the link threshold less this margin.
    merge_member_margin: float = 0.17
    # A merged group (two source sentences for one derived, or the reverse) must beat the
    # best single pair by this margin to be preferred.
    merge_gain: float = 0.03
    # Character-level ratio above which two aligned sentences count as verbatim.
    verbatim_ratio: float = 0.92

    # Named-entity extractor for English: "spacy" (packaged small model) or "rules".
    fact_extractor: str = "spacy"

    # Relation labels.
    near_duplicate_jaccard: float = 0.75
    rewrite_coverage: float = 0.5
    same_story_similarity: float = 0.45
    related_similarity: float = 0.25
    e5_related_similarity: float = 0.8

    # Per-encoder numbers (their cosine scales differ): one place to read them by model name.
    def align_threshold(self, model: str) -> float:
        return float(getattr(self, f"{model}_align_threshold"))

    def close_link(self, model: str) -> float:
        return float(getattr(self, f"{model}_close_link"))

    def related_threshold(self, model: str) -> float:
        return self.e5_related_similarity if model == "e5" else self.related_similarity

    # Corpus: MinHash over word 5-shingles, 128 permutations in 32 bands of 4 rows, so pairs
    # above Jaccard ~0.42 ((1/32)^(1/4)) share a bucket with high probability. rensa's
    # threshold does not choose bands (shared/DEPENDENCIES.md): they are set here.
    minhash_permutations: int = 128
    lsh_bands: int = 32
    # Articles written to the store in one transaction.
    ingest_batch: int = 64
    # Article vectors: title plus this many lead sentences, multilingual model.
    lead_sentences: int = 5
    # The relation model also reads the e5 similarity of the two ledes (title and this many
    # sentences). Out of fold on the dev split, story recall: lede of 1 sentence 0.687, of 2
    # 0.698, of 5 0.714, none 0.619; but e5 costs ~0.9 ms a token on 2 cores, so 5 sentences
    # doubled a warm compare (381 -> 824 ms) where one adds a few tens of ms.
    lede_sentences: int = 1
    embed_articles: bool = True
    # A line seen on this many pages of one site before is that site's furniture.
    site_chrome_pages: int = 3
    # ... and a full sentence must recur on this many: a site's updates of one story repeat
    # their sentences a few times, its furniture ("Please disable your ad blocker...") on many.
    site_chrome_sentence_pages: int = 12
    # Search and linking: nearest articles by vector to consider, and the cosine they need.
    vector_candidates: int = 20
    # (e5 article vectors: unrelated news scores ~0.75-0.85, one event ~0.86 at the median on
    # the real-news dev split, so this cosine, not the count, bounds most candidate lists. At
    # 0.86, 56 % of the dev split's same-story pairs were candidates and family B3 F1 was 0.81;
    # at 0.82, 85 % and 0.885 (0.84: 0.86; 0.80 with 40 nearest: 0.88), docs/thresholds.md.)
    vector_candidate_min: float = 0.82

    # Linked sentences that disagree on at least this many names, places, figures or dates, and
    # on more than they agree, describe another event in the same words: not a copy.
    min_fact_conflicts: int = 2

    # Direction: the summed evidence weight needed to name a direction instead of "unknown".
    direction_min_weight: float = 2.0


DEFAULT_SETTINGS = Settings()
