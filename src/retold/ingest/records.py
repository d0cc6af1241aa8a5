"""Many articles per input: folders, JSONL, CSV and WARC/ARC files, gzip transparently.

Every record carries a stable key (file and line, row or offset) so that ingest can skip what it
has already stored, and every failure becomes a Reject naming the file and the place.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from retold.article import RawDocument
from retold.errors import InputError
from retold.ingest import HTML_SUFFIXES, parse_document, read_bytes
from retold.ingest.jsonobj import document_from_record
from retold.settings import DEFAULT_SETTINGS, Settings

SINGLE_SUFFIXES = {".txt", ".json", *HTML_SUFFIXES}
MANY_SUFFIXES = {".jsonl", ".ndjson", ".csv", ".warc", ".arc"}


@dataclass(frozen=True)
class FieldNames:
    """Which JSONL/CSV fields hold what; override for feeds that name them otherwise."""

    text: str = "text"
    title: str = "title"
    url: str = "url"
    published: str = "published"
    language: str = "language"
    site: str = "site"
    author: str = "author"
    id: str = "id"


@dataclass
class Record:
    key: str  # stable identity of the record: file plus line, row or offset
    document: RawDocument
    external_id: str | None = None


@dataclass
class Reject:
    key: str
    source: str
    location: str
    reason: str


def iter_records(
    inputs: list[Path], fields: FieldNames = FieldNames(), settings: Settings = DEFAULT_SETTINGS
) -> Iterator[Record | Reject]:
    for path in inputs:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _format_of(child) is not None:
                    yield from _iter_file(child, fields, settings)
        elif not path.exists():
            yield Reject(str(path), str(path), "", "no such file or directory")
        else:
            yield from _iter_file(path, fields, settings)


def _format_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    if not suffixes:
        return None
    last = suffixes[-1]
    if last in MANY_SUFFIXES or last in SINGLE_SUFFIXES:
        return last
    return None


def _iter_file(path: Path, fields: FieldNames, settings: Settings) -> Iterator[Record | Reject]:
    """Container formats are streamed record by record (a feed may be far larger than memory);
    the size limit applies to each record, not to the file."""
    name = str(path)
    kind = _format_of(path) or ".txt"
    try:
        if kind in (".warc", ".arc"):
            yield from _iter_warc(path)
        elif kind in (".jsonl", ".ndjson"):
            with _open_binary(path) as handle:
                yield from _iter_jsonl(handle, name, fields, settings)
        elif kind == ".csv":
            with _open_binary(path) as handle:
                yield from _iter_csv(handle, name, fields)
        else:
            data = read_bytes(path, settings) if not path.name.endswith(".gz") else _gunzip(path)
            yield Record(name, parse_document(data, name, kind))
    except InputError as exc:
        yield Reject(name, name, "", exc.reason)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Reject(name, name, "", f"cannot be read to the end ({exc})")


def _open_binary(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return path.open("rb")


def _gunzip(path: Path) -> bytes:
    try:
        with gzip.open(path, "rb") as handle:
            return handle.read()
    except (OSError, EOFError) as exc:
        raise InputError(str(path), f"not a readable gzip file ({exc})") from exc


def _remap(obj: object, fields: FieldNames) -> object:
    if not isinstance(obj, dict):
        return obj
    return {
        key: obj.get(getattr(fields, key))
        for key in ("text", "title", "url", "published", "language", "site", "author")
    }


def _iter_jsonl(
    lines: IO[bytes], name: str, fields: FieldNames, settings: Settings
) -> Iterator[Record | Reject]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        key = f"{name}#L{number}"
        location = f"line {number}"
        if len(raw) > settings.max_input_bytes:
            yield Reject(key, name, location, f"record of {len(raw) / 1e6:.1f} MB, over the limit")
            continue
        try:
            obj = json.loads(raw.decode("utf-8"))
            document = document_from_record(_remap(obj, fields), f"{name}:{number}")
        except UnicodeDecodeError:
            yield Reject(key, name, location, "invalid UTF-8")
            continue
        except json.JSONDecodeError as exc:
            yield Reject(key, name, location, f"malformed JSON ({exc.msg})")
            continue
        except InputError as exc:
            yield Reject(key, name, location, exc.reason)
            continue
        external = obj.get(fields.id) if isinstance(obj, dict) else None
        yield Record(key, document, None if external is None else str(external))


def _iter_csv(handle: IO[bytes], name: str, fields: FieldNames) -> Iterator[Record | Reject]:
    csv.field_size_limit(64 * 1024 * 1024)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    reader = csv.DictReader(text)
    try:
        header = reader.fieldnames
    except UnicodeDecodeError:
        yield Reject(name, name, "header", "invalid UTF-8")
        return
    if header is None or fields.text not in header:
        yield Reject(name, name, "header", f"no '{fields.text}' column")
        return
    number = 1
    while True:
        number += 1
        key = f"{name}#R{number}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            yield Reject(
                key, name, f"row {number}", "invalid UTF-8; the rest of the file was skipped"
            )
            return
        except csv.Error as exc:
            yield Reject(key, name, f"row {number}", f"malformed CSV ({exc})")
            continue
        try:
            document = document_from_record(_remap(row, fields), f"{name}:{number}")
        except InputError as exc:
            yield Reject(key, name, f"row {number}", exc.reason)
            continue
        external = row.get(fields.id)
        yield Record(key, document, external or None)


def _iter_warc(path: Path) -> Iterator[Record | Reject]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    name = str(path)
    try:
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream, arc2warc=True)
            for record in iterator:
                if record.rec_type != "response":
                    continue
                content_type = (
                    record.http_headers.get_header("Content-Type") if record.http_headers else ""
                )
                if not content_type or "html" not in content_type.lower():
                    continue
                url = record.rec_headers.get_header("WARC-Target-URI")
                payload = _payload(record)
                offset = iterator.get_record_offset()  # only known once the payload is read
                key = f"{name}@{offset}"
                try:
                    document = parse_document(payload, f"{name}@{offset}", ".html")
                except InputError as exc:
                    yield Reject(key, name, f"offset {offset}", exc.reason)
                    continue
                document.url = document.url or url
                document.source = url or document.source
                yield Record(key, document, url)
    except ArchiveLoadFailed as exc:
        yield Reject(name, name, "", f"not a readable WARC/ARC file ({exc})")
    except (OSError, EOFError) as exc:
        yield Reject(name, name, "", f"WARC file cut short or unreadable ({exc})")


def _payload(record: Any) -> bytes:
    """The HTTP body, decoded from chunked or compressed transfer where the headers say so."""
    return bytes(record.content_stream().read())
