"""The `retold` command: parse arguments, call the library, render. Exit codes: 0 done,
2 bad input or usage (one line on stderr naming the file and the problem)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from retold.errors import RetoldError

if TYPE_CHECKING:
    from retold.corpus.corpus import Corpus

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


DB_OPTION = typer.Option("--db", help="The corpus database (SQLite), created on first use")


def _open_corpus(db: Path, must_exist: bool = True, read_only: bool = True) -> Corpus:
    from retold.corpus.corpus import Corpus

    if must_exist and not db.exists():
        _fail(f"{db}: no such corpus database (create it with 'retold ingest ... --db {db}')")
    return Corpus(db, read_only=read_only)


@app.command()
def ingest(
    inputs: Annotated[
        list[Path],
        typer.Argument(help="Files or folders: txt, html, json, jsonl, csv, warc, arc; .gz too"),
    ],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    json_output: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    text_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the text")] = "text",
    title_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the title")] = "title",
    url_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the URL")] = "url",
    published_field: Annotated[
        str, typer.Option(help="JSONL/CSV field holding the date")
    ] = "published",
    language_field: Annotated[
        str, typer.Option(help="JSONL/CSV field holding the language")
    ] = "language",
    site_field: Annotated[str, typer.Option(help="JSONL/CSV field holding the site")] = "site",
    no_link: Annotated[
        bool, typer.Option("--no-link", help="Store only; judge candidate pairs later")
    ] = False,
) -> None:
    """Add articles to a corpus: cleaned, fingerprinted, embedded, linked to their copies.
    Re-running adds nothing new; a killed run resumes where it stopped."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from retold.ingest.records import FieldNames

    fields = FieldNames(
        text=text_field, title=title_field, url=url_field, published=published_field,
        language=language_field, site=site_field,
    )  # fmt: skip
    corpus = _open_corpus(db, must_exist=False, read_only=False)
    progress = Progress(
        TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=json_output,
    )  # fmt: skip
    with progress:
        task = progress.add_task("ingest", total=None)
        report = corpus.ingest(inputs, fields, lambda n: progress.advance(task, n), link=False)
        if not no_link:
            progress.update(task, description="link")
            corpus.link()
    counts = corpus.store.counts()
    summary = {
        "read": report.read, "stored": report.stored, "duplicates": report.duplicates,
        "rejected": report.rejected, "skipped": report.skipped,
        "chrome_lines_learnt": report.chrome_lines_learnt, "corpus": counts,
        "rejects": report.rejects,
    }  # fmt: skip
    if json_output:
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    else:
        console = Console()
        console.print(
            f"read {report.read}: stored {report.stored}, exact duplicates {report.duplicates}, "
            f"rejected {report.rejected}, already in the store {report.skipped}"
        )
        console.print(
            f"corpus {db}: {counts['articles']} articles, {counts['duplicates']} exact duplicates, "
            f"{counts['pairs']} judged pairs, {counts['rejects']} rejects"
        )
        for reject in report.rejects:
            where = f" ({reject['location']})" if reject["location"] else ""
            console.print(
                f"[red]rejected[/red] {reject['source']}{where}: {reject['reason']}",
                highlight=False,
            )


@app.command()
def search(
    query: Annotated[Path, typer.Argument(help="The article to look for (txt, html, json)")],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    top: Annotated[int, typer.Option(help="How many results at most")] = 20,
    json_output: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
) -> None:
    """Find the corpus's copies, rewrites, translations and same-story coverage of an article."""
    import json
    from dataclasses import asdict

    corpus = _open_corpus(db)
    try:
        hits = corpus.search(query, top)
    except RetoldError as exc:
        _fail(str(exc))
    if json_output:
        sys.stdout.write(json.dumps([asdict(h) for h in hits], indent=2, ensure_ascii=False) + "\n")
        return
    from rich.table import Table

    table = Table(title=f"{len(hits)} matches for {query}")
    for column in (
        "id",
        "relation",
        "similarity",
        "direction",
        "title / source",
        "published",
        "lang",
    ):
        table.add_column(column)
    for hit in hits:
        table.add_row(
            str(hit.article_id), hit.relation, f"{hit.similarity:.2f}", hit.direction,
            hit.title or hit.source, hit.published or "", hit.language or "",
        )  # fmt: skip
    Console().print(table)


@app.command()
def stories(
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    json_output: Annotated[bool, typer.Option("--json", help="Print the families as JSON")] = False,
    min_size: Annotated[int, typer.Option(help="Only families of at least this many articles")] = 2,
) -> None:
    """List story families with their copy groups, original and derivation graph."""
    import json

    from retold.stories import build_stories

    corpus = _open_corpus(db)
    found = [
        s
        for s in build_stories(corpus.store, include_singletons=min_size <= 1)
        if len(s.members) >= min_size
    ]
    if json_output:
        sys.stdout.write(
            json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False) + "\n"
        )
        return
    from rich.table import Table

    table = Table(title=f"{len(found)} story families")
    for column in ("story", "size", "copy groups", "original", "languages", "first title"):
        table.add_column(column)
    for story in found:
        data = story.to_dict()
        first = story.articles[story.members[0]]
        table.add_row(
            str(story.id), str(data["size"]), str(len(story.copy_groups)),
            str(story.original) if story.original is not None else "unknown",
            ", ".join(data["languages"]), first["title"] or first["source"],
        )  # fmt: skip
    Console().print(table)


@app.command()
def story(
    story_id: Annotated[int, typer.Argument(help="The story id, as 'retold stories' lists it")],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    json_output: Annotated[bool, typer.Option("--json", help="Print the family as JSON")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the family's HTML page here")
    ] = None,
) -> None:
    """One story family: timeline, derivation graph, and each version's diff against its source."""
    import json

    from retold.stories import build_stories

    corpus = _open_corpus(db)
    found = next((s for s in build_stories(corpus.store) if s.id == story_id), None)
    if found is None:
        _fail(f"{db}: no story {story_id} (see 'retold stories --db {db}')")
        return
    if html is not None:
        from retold.report.story_html import render_story_html

        html.write_text(render_story_html(found, corpus), encoding="utf-8")
    if json_output:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    console = Console()
    data = found.to_dict()
    languages = ", ".join(data["languages"])
    console.print(
        f"[bold]story {found.id}[/bold]: {data['size']} articles, "
        f"{len(found.copy_groups)} copy groups, languages {languages}"
    )
    original = found.original if found.original is not None else "unknown"
    console.print(f"original: {original} ({'; '.join(found.original_evidence)})")
    for edge in found.edges:
        arrow = (
            f"{edge.source} -> {edge.derived}"
            if edge.derived is not None
            else f"{edge.source} -- {edge.other}"
        )
        console.print(
            f"  {arrow}  {edge.relation} {edge.similarity:.2f} (confidence {edge.confidence:.2f})"
        )
    if html is not None:
        Console(stderr=True).print(f"HTML page written to {html}")


@app.command()
def export(
    out: Annotated[
        Path,
        typer.Argument(help="Folder to write pairs.csv, clusters.csv, graph.graphml, graph.json"),
    ],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    json_output: Annotated[
        bool, typer.Option("--json", help="Print what was written as JSON")
    ] = False,
) -> None:
    """Export judged pairs and clusters (CSV) and the derivation graph (GraphML, JSON)."""
    import json

    from retold.corpus.export import export as export_corpus

    corpus = _open_corpus(db)
    written = export_corpus(corpus.store, out)
    if json_output:
        sys.stdout.write(json.dumps({k: str(v) for k, v in written.items()}, indent=2) + "\n")
    else:
        for kind, path in written.items():
            Console().print(f"{kind}: {path}")


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


@app.command()
def serve(
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback needs a token")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port)")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(envvar="RETOLD_TOKEN", help="Require this token (Bearer header or sign-in)"),
    ] = None,
    max_upload_mb: Annotated[float, typer.Option(help="Largest request body accepted")] = 5.0,
    create: Annotated[
        bool, typer.Option("--create", help="Create an empty corpus if --db does not exist")
    ] = False,
) -> None:
    """Start the web UI and HTTP API on a corpus, and print its address."""
    import socket

    import uvicorn

    from retold.web.app import ServerConfig, asgi_app
    from retold.web.service import Service

    if host not in LOOPBACK_HOSTS and not token:
        _fail(
            f"--host {host}: binding beyond loopback exposes the corpus;"
            " set --token or RETOLD_TOKEN"
        )
    if max_upload_mb <= 0:
        _fail("--max-upload-mb: must be positive")
    corpus = _open_corpus(db, must_exist=not create, read_only=False)
    service = Service(corpus)
    config = ServerConfig(db=db, token=token, max_upload_bytes=int(max_upload_mb * 1e6))
    try:
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
    except OSError as exc:
        _fail(f"--host {host} --port {port}: cannot listen ({exc.strerror or exc})")
    err = Console(stderr=True)
    err.print("loading models…")
    service.warm()
    web_app = asgi_app(config, service)
    bound = listener.getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    sys.stdout.write(f"retold: serving {db} at http://{shown}:{bound[1]}/ (Ctrl+C to stop)\n")
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(web_app, log_level="warning", access_log=False))
    server.run(sockets=[listener])
    corpus.close()


spark_app = typer.Typer(
    help="Run the corpus pipeline on Apache Spark (local[N], a standalone cluster or YARN).",
    no_args_is_help=True,
)
app.add_typer(spark_app, name="spark")


def _spark_job(
    stories: bool, inputs: list[str], output: str, master: str | None, partitions: int,
    max_bucket: int, json_output: bool,
) -> None:  # fmt: skip
    import dataclasses
    import json

    from retold.spark.job import JobOptions, run

    if partitions < 1 or max_bucket < 2:
        _fail("--partitions must be ≥ 1 and --max-bucket ≥ 2")
    options = JobOptions(
        inputs=inputs, output=output, master=master, partitions=partitions,
        max_bucket=max_bucket, stories=stories,
    )  # fmt: skip
    err = Console(stderr=True)
    with err.status(
        f"spark {'stories' if stories else 'dedup'}: running (progress in Spark's log)"
    ):
        try:
            report = run(options)
        except ValueError as exc:
            _fail(str(exc))
            return
        except Exception as exc:  # Spark's own errors (missing input path, …) are one line too
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            _fail(f"{', '.join(inputs)}: {first}")
            return
    if json_output:
        sys.stdout.write(json.dumps(dataclasses.asdict(report), indent=2) + "\n")
        return
    console = Console()
    console.print(
        f"{report.records} records: {report.articles} articles, {report.duplicates} exact "
        f"duplicates, {report.rejects} rejected; {report.candidate_pairs} candidate pairs, "
        f"{report.judged_pairs} judged related; {report.copy_groups} copy groups"
        + (f", {report.stories} story families" if stories else "")
    )
    for bucket in report.skipped_buckets:
        console.print(
            f"[yellow]skipped[/yellow] {bucket['kind']} bucket of {bucket['size']} articles"
        )
    for name, seconds in report.seconds_by_stage.items():
        console.print(f"  {name}: {seconds:.1f} s")
    console.print(f"Parquet tables written to {output}")


INPUT_OPTION = typer.Option("--input", help="JSONL(.gz), Parquet or WARC paths or globs; repeat")
OUTPUT_OPTION = typer.Option("--output", help="Folder (or s3a:// URL) for the Parquet tables")
MASTER_OPTION = typer.Option("--spark-master", help="local[2], spark://host:7077, yarn, …")
PARTITIONS_OPTION = typer.Option("--partitions", help="Partitions for the stages and shuffles")
BUCKET_OPTION = typer.Option("--max-bucket", help="Skip (and report) band buckets over this size")
JSON_OPTION = typer.Option("--json", help="Print the job report as JSON")


@spark_app.command("dedup")
def spark_dedup(
    inputs: Annotated[list[str], INPUT_OPTION],
    output: Annotated[str, OUTPUT_OPTION],
    master: Annotated[str | None, MASTER_OPTION] = None,
    partitions: Annotated[int, PARTITIONS_OPTION] = 8,
    max_bucket: Annotated[int, BUCKET_OPTION] = 200,
    json_output: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Articles, exact duplicates, judged pairs and copy groups, as Parquet."""
    _spark_job(False, inputs, output, master, partitions, max_bucket, json_output)


@spark_app.command("stories")
def spark_stories(
    inputs: Annotated[list[str], INPUT_OPTION],
    output: Annotated[str, OUTPUT_OPTION],
    master: Annotated[str | None, MASTER_OPTION] = None,
    partitions: Annotated[int, PARTITIONS_OPTION] = 8,
    max_bucket: Annotated[int, BUCKET_OPTION] = 200,
    json_output: Annotated[bool, JSON_OPTION] = False,
) -> None:
    """Everything `spark dedup` writes, plus story families and their originals."""
    _spark_job(True, inputs, output, master, partitions, max_bucket, json_output)
