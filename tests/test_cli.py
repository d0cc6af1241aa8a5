"""The `retold compare` command as a user runs it: outputs, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, SEED_A, SEED_B, run_cli

GOOD = DATA / "port_strike_original.txt"


def test_json_output_follows_the_documented_contract() -> None:
    completed = run_cli("compare", SEED_A, SEED_B, "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    for key in ("a", "b", "similarity", "relation", "direction", "evidence", "alignment"):
        assert key in result
    for key in ("added", "dropped", "facts"):
        assert key in result
    for side in ("a", "b"):
        assert {"title", "language", "attribution", "chrome", "sentences"} <= result[side].keys()
    assert set(result["facts"]) == {"added", "removed", "changed"}
    link = result["alignment"][0]
    assert set(link) == {"a", "b", "kind", "score"}
    fact = result["facts"]["removed"][0]
    assert {"kind", "text", "a", "b"} <= fact.keys()
    assert completed.stderr == ""


def test_terminal_summary_names_relation_and_added_sentence() -> None:
    completed = run_cli("compare", SEED_A, SEED_B)
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "rewrite" in out and "a->b" in out
    assert "denied the allegations" in out
    assert "Naryshkin" in out


def test_html_report_is_written(tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    completed = run_cli("compare", SEED_A, SEED_B, "--html", report, "--json")
    assert completed.returncode == 0, completed.stderr
    page = report.read_text()
    assert "denied the allegations" in page and 'class="added"' in page


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing": (lambda d: d / "nope.txt", "no such file"),
    "directory": (lambda d: d, "is a directory"),
    "empty": (lambda d: write_bytes(d / "empty.txt", b"  \n\n"), "file is empty"),
    "binary": (
        lambda d: write_bytes(d / "img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50),
        "binary",
    ),
    "invalid-utf8": (
        lambda d: write_bytes(
            d / "broken.txt", "Café crème, déjà vu. ".encode() * 5 + b"\xff\xfe\xc3 more"
        ),
        "invalid UTF-8",
    ),
    "html-no-text": (
        lambda d: write_bytes(
            d / "empty.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
        ),
        "no article text",
    ),
    "huge": (
        lambda d: write_bytes(d / "huge.txt", b"word " * 10_000_000),
        "over the 20 MB limit",
    ),
    "too-many-sentences": (
        lambda d: write_bytes(d / "dump.txt", b"The council met again today. " * 4000),
        "over the limit of 3000",
    ),
    "malformed-json": (
        lambda d: write_bytes(d / "bad.json", b'{"text": "abc", '),
        "malformed JSON",
    ),
    "json-without-text": (lambda d: write_bytes(d / "notext.json", b'{"title": "x"}'), "'text'"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gets_one_clear_line_and_exit_2(case: str, tmp_path: Path) -> None:
    make, reason = BAD_INPUTS[case]
    bad = make(tmp_path)
    completed = run_cli("compare", GOOD, bad)
    assert completed.returncode == 2
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1, completed.stderr
    assert str(bad) in lines[0] and reason in lines[0]
    assert "Traceback" not in completed.stderr
    assert completed.stdout == ""


def test_latin1_text_is_decoded(tmp_path: Path) -> None:
    text = (
        GOOD.read_text()
        .replace("Europe's busiest", "Europe’s busiest")
        .replace("Dutch economy", "Dutch économie")
    )
    latin = tmp_path / "latin1.txt"
    latin.write_bytes(text.replace("’", "'").encode("latin-1"))
    completed = run_cli("compare", GOOD, latin, "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert any("économie" in s for s in result["b"]["sentences"])
    assert result["relation"] in ("duplicate", "near-duplicate")


def test_identical_inputs_are_duplicates_with_similarity_one() -> None:
    completed = run_cli("compare", SEED_A, SEED_A, "--json")
    result = json.loads(completed.stdout)
    assert result["relation"] == "duplicate" and result["similarity"] == 1.0


def test_unknown_extractor_is_a_usage_error() -> None:
    completed = run_cli("compare", SEED_A, SEED_B, "--extractor", "magic")
    assert completed.returncode == 2
    assert "--extractor" in completed.stderr
