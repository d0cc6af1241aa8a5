"""The `retold` command: parse arguments, call the library, render. Exit codes: 0 done,
2 bad input or usage (one line on stderr naming the file and the problem)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from retold.errors import RetoldError

app = typer.Typer(
    name="retold",
    help="Trace how news stories are copied, rewritten and translated across outlets.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
EXIT_BAD_INPUT = 2


@app.callback()
def main() -> None:
    """retold: who copied, rewrote or translated whom, sentence by sentence."""


@app.command()
def compare(
    a: Annotated[
        Path, typer.Argument(help="The article taken as the source side (txt, html, json)")
    ],
    b: Annotated[Path, typer.Argument(help="The article compared against it")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a side-by-side HTML report here")
    ] = None,
    extractor: Annotated[
        str, typer.Option(help="Fact extractor for English: spacy or rules")
    ] = "spacy",
) -> None:
    """Explain how article B relates to article A: relation, direction, alignment, fact diff."""
    from retold.pipeline import Pipeline
    from retold.settings import Settings

    if extractor not in ("spacy", "rules"):
        _fail(f"--extractor: expected 'spacy' or 'rules', got {extractor!r}")
    pipeline = Pipeline(Settings(fact_extractor=extractor))
    try:
        prepared_a = pipeline.prepare(a)
        prepared_b = pipeline.prepare(b)
    except RetoldError as exc:
        _fail(str(exc))
    result = pipeline.compare_prepared(prepared_a, prepared_b)
    if html is not None:
        from retold.report.html import render_compare_html

        try:
            html.write_text(render_compare_html(result), encoding="utf-8")
        except OSError as exc:
            _fail(f"{html}: cannot write the report ({exc.strerror or exc})")
    if json_output:
        sys.stdout.write(result.to_json() + "\n")
    else:
        from retold.report.terminal import render_compare

        render_compare(result, Console())
        if html is not None:
            Console(stderr=True).print(f"HTML report written to {html}")


def _fail(message: str) -> None:
    sys.stderr.write(f"retold: error: {message}\n")
    raise typer.Exit(EXIT_BAD_INPUT)
