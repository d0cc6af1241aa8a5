"""A page's history as a self-contained HTML page: every version, newest first, with what changed
and whether the outlet said so. All text is escaped (Jinja2 autoescape)."""

from __future__ import annotations

from retold.report.html import _environment
from retold.versions import PageHistory


def render_history_html(history: PageHistory) -> str:
    return _environment().get_template("history.html").render(history=history)
