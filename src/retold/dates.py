"""Publication dates as the metadata gives them, parsed leniently."""

from __future__ import annotations

from datetime import date

from dateutil import parser


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parser.parse(value, fuzzy=True).date()
    except (ValueError, OverflowError):
        return None
