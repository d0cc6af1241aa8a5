"""A readable terminal summary of a comparison, highlighted with rich."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from retold.result import CompareResult, FactItem
from retold.versions import PageHistory

RELATION_STYLE = {
    "duplicate": "bold red",
    "near-duplicate": "bold red",
    "rewrite": "bold yellow",
    "translation": "bold magenta",
    "same-story": "bold cyan",
    "related": "cyan",
    "unrelated": "dim",
}


def render_compare(result: CompareResult, console: Console) -> None:
    console.print(_header(result))
    if result.added:
        console.print(
            _sentences(
                "Added in b (no counterpart in a)", result.b.sentences, result.added, "green", "+"
            )
        )
    if result.dropped:
        console.print(
            _sentences(
                "Dropped from a (no counterpart in b)",
                result.a.sentences,
                result.dropped,
                "red",
                "-",
            )
        )
    facts = _facts(result)
    if facts is not None:
        console.print(facts)


def _header(result: CompareResult) -> Panel:
    lines = Text()
    lines.append("relation   ", style="bold")
    lines.append(result.relation, style=RELATION_STYLE[result.relation])
    lines.append(f"  (probability {result.probability:.2f})", style="dim")
    if result.reuse.passages:
        lines.append(
            f"\nreused     {result.reuse.share_a:.0%} of a, {result.reuse.share_b:.0%} of b "
            f"in {len(result.reuse.passages)} passage(s)",
            style="bold",
        )
    lines.append(f"\nsimilarity {result.similarity:.2f}", style="bold")
    lines.append(f"  (topic {result.document_similarity:.2f}, model {result.model})", style="dim")
    lines.append("\ndirection  ", style="bold")
    lines.append(result.direction, style="bold green" if result.direction != "unknown" else "dim")
    for reason in result.evidence:
        lines.append(f"\n  · {reason}", style="dim")
    kinds: dict[str, int] = {}
    for link in result.alignment:
        kinds[link.kind] = kinds.get(link.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) or "none"
    lines.append(
        f"\nalignment  {len(result.alignment)} links ({summary}); "
        f"{len(result.added)} added, {len(result.dropped)} dropped"
    )
    for side, view in (("a", result.a), ("b", result.b)):
        lines.append(f"\n{side}: ", style="bold")
        lines.append(f"{view.title or '(no title)'}  [{view.language or '?'}] {view.source}")
        if view.attribution:
            lines.append(f"  attribution: {'; '.join(view.attribution)}", style="italic")
        if view.chrome:
            lines.append(f"  ({len(view.chrome)} chrome lines removed)", style="dim")
    return Panel(lines, title="retold compare", expand=False)


def _sentences(
    title: str, sentences: list[str], indices: list[int], style: str, mark: str
) -> Panel:
    body = Text()
    for n, index in enumerate(indices):
        if n:
            body.append("\n")
        body.append(f"{mark} [{index}] ", style=f"bold {style}")
        body.append(sentences[index], style=style)
    return Panel(body, title=title, title_align="left", border_style=style)


def _facts(result: CompareResult) -> Table | Group | None:
    rows: list[tuple[str, FactItem]] = [
        *(("removed", f) for f in result.facts.removed),
        *(("added", f) for f in result.facts.added),
        *(("changed", f) for f in result.facts.changed),
    ]
    if not rows:
        return None
    table = Table(title="Fact changes", title_justify="left")
    table.add_column("change")
    table.add_column("kind")
    table.add_column("fact", overflow="fold")
    table.add_column("sentences")
    styles = {"removed": "red", "added": "green", "changed": "yellow"}
    for change, fact in rows:
        where = ", ".join([f"a{i}" for i in fact.a] + [f"b{j}" for j in fact.b])
        table.add_row(Text(change, style=styles[change]), fact.kind, fact.text, where)
    return table


def render_history(history: PageHistory, console: Console) -> None:
    """Each version of a page, oldest first, with what changed since the one before."""
    edits = history.silent_edits
    silent = f", [bold red]{edits} silent edit{'s' * (edits != 1)}[/bold red]" * bool(edits)
    console.print(
        Panel(
            Text.from_markup(
                f"{escape(history.url or '')}\narticle #{history.article_id}, "
                f"{len(history.versions)} version{'s' * (len(history.versions) != 1)}{silent}"
            ),
            title=escape(history.title or "(no title)"),
        )
    )
    for version in history.versions:
        changes = version.changes
        flag = "  [bold red]silent edit[/bold red]" if version.silent_edit else ""
        console.print(
            f"[bold]version {version.number}[/bold] fetched {version.fetched_at or '?'}{flag}"
        )
        if version.number == 1:
            console.print("  first version", style="dim")
            continue
        if changes.get("correction_note"):
            console.print(f"  correction note: {changes['correction_note']}", markup=False)
        for fact in changes.get("facts", []):
            console.print(
                f"  fact {fact['kind']}: {fact['before'] or '—'} → {fact['after'] or '—'}",
                style="yellow",
                markup=False,
            )
        for change in changes.get("changed", []):
            console.print(f"  ~ {change['before']}", style="red", markup=False)
            console.print(f"    {change['after']}", style="green", markup=False)
        for sentence in changes.get("added", []):
            console.print(f"  + {sentence}", style="green", markup=False)
        for sentence in changes.get("dropped", []):
            console.print(f"  - {sentence}", style="red", markup=False)
