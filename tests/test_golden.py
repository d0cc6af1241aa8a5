"""The seeds' result, minus the float scores, against a reviewed golden file.

When a change alters it on purpose: RETOLD_UPDATE_GOLDEN=1 pytest tests/test_golden.py,
then read the diff of tests/golden/seeds.json before committing it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from conftest import ROOT

from retold import CompareResult

GOLDEN = ROOT / "tests" / "golden" / "seeds.json"


def structure(result: CompareResult) -> dict[str, Any]:
    data = result.model_dump(exclude={"similarity", "document_similarity"})
    for side in ("a", "b"):
        data[side].pop("source")
    for link in data["alignment"]:
        link.pop("score")
    return data


def test_seeds_result_matches_the_reviewed_golden_file(seeds: CompareResult) -> None:
    actual = structure(seeds)
    if os.environ.get("RETOLD_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(actual, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    assert actual == json.loads(GOLDEN.read_text(encoding="utf-8"))
