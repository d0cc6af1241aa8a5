"""Bytes to text: UTF-8 first, other encodings detected, binary refused."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from retold.errors import InputError

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
PREFERRED_ENCODINGS = (
    "cp1252", "latin_1", "cp1251", "koi8_r", "cp1250", "iso8859_2", "iso8859_5", "cp1253",
    "cp1254", "cp1256", "cp1255", "gb18030", "big5", "shift_jis", "euc_jp", "euc_kr",
)  # fmt: skip
# Control characters other than tab, newline, carriage return and form feed do not occur in text.
CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))


def decode_text(data: bytes, source: str) -> str:
    """Decode an input's bytes to text, or say in one line why it is not text."""
    if not data.strip():
        raise InputError(source, "file is empty")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, source)
    if b"\x00" in data or _control_share(data) > 0.01:
        raise InputError(source, "binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _has_valid_utf8_multibyte(data):
        # Valid UTF-8 sequences next to invalid bytes means a corrupted file, not another encoding.
        raise InputError(source, f"invalid UTF-8 at byte {utf8_error.start} ({utf8_error.reason})")
    candidates = from_bytes(data)
    best = candidates.best()
    if best is None or best.encoding is None:
        raise InputError(source, "not valid UTF-8 and no other text encoding fits")
    # Several code pages often decode the same bytes equally cleanly; news sites used the
    # Windows and ISO ones, not Mac ones, so prefer those among the equally clean.
    clean_enough = [m for m in candidates if m.chaos <= best.chaos + 0.01]
    for encoding in PREFERRED_ENCODINGS:
        for match in clean_enough:
            if match.encoding == encoding:
                return str(match)
    return str(best)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(source, f"invalid {encoding} at byte {exc.start}") from exc


def _control_share(data: bytes) -> float:
    sample = data[:65536]
    return sum(sample.count(b) for b in CONTROL_BYTES) / len(sample)


def _has_valid_utf8_multibyte(data: bytes) -> bool:
    decoded = data.decode("utf-8", errors="replace")
    return any(ord(ch) > 127 and ch != "\ufffd" for ch in decoded)
