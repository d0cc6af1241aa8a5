"""Readers: encodings, formats, metadata, and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retold.errors import InputError
from retold.ingest import parse_document, read_document
from retold.ingest.decode import decode_text


def test_utf16_with_bom_is_decoded() -> None:
    text = "Пожар в Киеве: спасатели потушили огонь за два часа."
    assert decode_text(text.encode("utf-16"), "x.txt") == text


def test_cp1251_russian_is_detected() -> None:
    text = "Спасатели потушили пожар на складе в пригороде Москвы за два часа, сообщили в МЧС. " * 3
    assert decode_text(text.encode("cp1251"), "x.txt") == text


def test_json_object_keeps_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {
                "text": "One sentence here. Another one.",
                "title": "T",
                "url": "https://example.org/a",
                "published": "2024-01-02",
                "language": "en",
            }
        )
    )
    document = read_document(path)
    assert (document.title, document.url, document.published, document.language) == (
        "T",
        "https://example.org/a",
        "2024-01-02",
        "en",
    )


def test_html_is_recognised_without_a_suffix() -> None:
    html = (
        b"<!doctype html><html><head><title>Fire</title></head><body><article><p>"
        + b"Firefighters put out a blaze at a warehouse on the edge of the city on Tuesday night. "
        * 4
        + b"</p></article></body></html>"
    )
    document = parse_document(html, "page")
    assert document.extracted_from_html and "Firefighters" in document.text


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02binary", b"\n \n"])
def test_empty_or_binary_is_refused(data: bytes) -> None:
    with pytest.raises(InputError):
        decode_text(data, "x")


@given(st.binary(max_size=2000))
def test_any_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text = decode_text(data, "fuzz.bin")
    except InputError as exc:
        assert exc.source == "fuzz.bin" and exc.reason
    else:
        assert isinstance(text, str)


@given(st.text(max_size=2000))
def test_any_text_survives_a_utf8_round_trip(text: str) -> None:
    data = text.encode("utf-8")
    try:
        assert decode_text(data, "t") == text
    except InputError as exc:
        assert exc.reason in ("file is empty", "binary data, not text")


def test_feeds_are_streamed_and_the_size_limit_is_per_record(tmp_path: Path) -> None:
    from retold.ingest.records import Record, Reject, iter_records
    from retold.settings import Settings

    feed = tmp_path / "feed.jsonl"
    small = [
        json.dumps({"text": f"Short article number {n}. It has two sentences."}) for n in range(50)
    ]
    large = json.dumps({"text": "A much longer article. " * 100})
    feed.write_text("\n".join([*small, large]) + "\n")
    items = list(iter_records([feed], settings=Settings(max_input_bytes=1000)))
    assert sum(isinstance(i, Record) for i in items) == 50  # the file is 4 KB, over the limit
    rejects = [i for i in items if isinstance(i, Reject)]
    assert (
        len(rejects) == 1
        and rejects[0].location == "line 51"
        and "over the limit" in rejects[0].reason
    )


def test_a_cut_gzip_feed_keeps_what_was_read(tmp_path: Path) -> None:
    import gzip

    from retold.ingest.records import Record, Reject, iter_records

    lines = "".join(
        json.dumps({"text": f"Article {n} has a sentence. And another one."}) + "\n"
        for n in range(2000)
    )
    whole = gzip.compress(lines.encode())
    feed = tmp_path / "cut.jsonl.gz"
    feed.write_bytes(whole[: len(whole) // 2])
    items = list(iter_records([feed]))
    assert sum(isinstance(i, Record) for i in items) > 100
    assert isinstance(items[-1], Reject) and items[-1].source == str(feed)
