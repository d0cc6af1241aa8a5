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
    from retold.corpus.follow import FollowEvent
    from retold.ingest.fetch import Fetcher

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
        str, typer.Argument(help="The article taken as the source side: a file or an http(s) URL")
    ],
    b: Annotated[str, typer.Argument(help="The article compared against it: a file or a URL")],
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Also write a side-by-side HTML report here")
    ] = None,
    extractor: Annotated[
        str, typer.Option(help="Fact extractor for English: spacy or rules")
    ] = "spacy",
    user_agent: Annotated[str | None, USER_AGENT_OPTION] = None,
    timeout: Annotated[float, TIMEOUT_OPTION] = 15.0,
) -> None:
    """Explain how article B relates to article A: relation, direction, alignment, fact diff."""
    from retold.ingest.fetch import is_url
    from retold.pipeline import ArticleInput, Pipeline
    from retold.settings import Settings

    if extractor not in ("spacy", "rules"):
        _fail(f"--extractor: expected 'spacy' or 'rules', got {extractor!r}")
    pipeline = Pipeline(Settings(fact_extractor=extractor))
    inputs: list[ArticleInput] = [Path(x) for x in (a, b)]
    try:
        if any(is_url(x) for x in (a, b)):
            from retold.corpus.follow import document_of

            with _fetcher(user_agent, timeout=timeout) as fetcher:
                inputs = [document_of(fetcher.fetch(x)) if is_url(x) else Path(x) for x in (a, b)]
        prepared_a = pipeline.prepare(inputs[0])
        prepared_b = pipeline.prepare(inputs[1])
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


USER_AGENT_OPTION = typer.Option(
    "--user-agent",
    help="User-Agent sent when fetching URLs; put a contact in it (e.g. 'mybot (you@example.org)')",
)
TIMEOUT_OPTION = typer.Option(help="Seconds to wait for a web server before giving up")
DELAY_OPTION = typer.Option(help="Seconds between two requests to one host (0: no politeness)")
PER_HOST_OPTION = typer.Option(help="Requests in flight to one host at most")


def _fetcher(
    user_agent: str | None, timeout: float = 15.0, delay: float = 1.0, per_host: int = 2
) -> Fetcher:
    from retold.ingest.fetch import DEFAULT_USER_AGENT, Fetcher, FetchPolicy

    policy = FetchPolicy(
        user_agent=user_agent or DEFAULT_USER_AGENT, timeout=timeout, delay=delay,
        per_host=per_host,
    )  # fmt: skip
    return Fetcher(policy)


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
        list[str],
        typer.Argument(
            help="Files or folders (txt, html, json, jsonl, csv, warc, arc; .gz too), or http(s) "
            "URLs of pages, RSS/Atom feeds and sitemaps"
        ),
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
    user_agent: Annotated[str | None, USER_AGENT_OPTION] = None,
    timeout: Annotated[float, TIMEOUT_OPTION] = 15.0,
    delay: Annotated[float, DELAY_OPTION] = 1.0,
    per_host: Annotated[int, PER_HOST_OPTION] = 2,
) -> None:
    """Add articles to a corpus: cleaned, fingerprinted, embedded, linked to their copies.
    Re-running adds nothing new; a killed run resumes where it stopped. A URL fetched again with
    a new text becomes a new version of its article. Exits 2 when every input failed."""
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from retold.corpus.follow import FollowReport
    from retold.ingest.fetch import is_url
    from retold.ingest.records import FieldNames

    urls = [x for x in inputs if is_url(x)]
    paths = [Path(x) for x in inputs if not is_url(x)]
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
        report = corpus.ingest(paths, fields, lambda n: progress.advance(task, n), link=False)
        web = FollowReport()
        if urls:
            from retold.corpus.follow import Follower

            progress.update(task, description="fetch")
            with _fetcher(user_agent, timeout, delay, per_host) as fetcher:
                follower = Follower(corpus, fetcher, lambda e: progress.advance(task, 1))
                web = follower.follow(urls)
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
    web_counts = {
        kind: web.count(kind)
        for kind in ("new", "version", "unchanged", "duplicate", "rejected", "failed")
    }
    rejects = report.rejects + [
        {"record": e.url, "source": e.url, "location": "", "reason": e.detail or e.kind}
        for e in web.failed
    ]
    summary["rejects"] = rejects
    if urls:
        summary["web"] = {**web_counts, "events": [event.__dict__ for event in web.events]}
    succeeded = (
        report.stored + report.duplicates + report.skipped + len(web.events) - len(web.failed)
    )
    if json_output:
        sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.markup import escape

        console = Console()
        console.print(
            f"read {report.read}: stored {report.stored}, exact duplicates {report.duplicates}, "
            f"rejected {report.rejected}, already in the store {report.skipped}"
        )
        console.print(
            f"corpus {db}: {counts['articles']} articles, {counts['duplicates']} exact duplicates, "
            f"{counts['pairs']} judged pairs, {counts['rejects']} rejects"
        )
        if urls:
            console.print("web: " + ", ".join(f"{kind} {n}" for kind, n in web_counts.items()))
        for reject in rejects:
            where = f" ({reject['location']})" if reject["location"] else ""
            console.print(
                f"[red]rejected[/red] {escape(reject['source'])}{escape(where)}: "
                f"{escape(reject['reason'])}",
                highlight=False,
                soft_wrap=True,  # one line per reject, whatever the terminal's width
            )
    if succeeded == 0 and rejects:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def search(
    query: Annotated[
        str, typer.Argument(help="The article to look for: a file (txt, html, json) or a URL")
    ],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    top: Annotated[int, typer.Option(help="How many results at most")] = 20,
    json_output: Annotated[bool, typer.Option("--json", help="Print the results as JSON")] = False,
    user_agent: Annotated[str | None, USER_AGENT_OPTION] = None,
    timeout: Annotated[float, TIMEOUT_OPTION] = 15.0,
) -> None:
    """Find the corpus's copies, rewrites, translations and same-story coverage of an article."""
    import json
    from dataclasses import asdict

    from retold.ingest.fetch import is_url
    from retold.pipeline import ArticleInput

    corpus = _open_corpus(db)
    try:
        item: ArticleInput = Path(query)
        if is_url(query):
            from retold.corpus.follow import document_of

            with _fetcher(user_agent, timeout=timeout) as fetcher:
                item = document_of(fetcher.fetch(query))
        hits = corpus.search(item, top)
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

    from retold.corpus.stories import build_stories

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

    from retold.corpus.stories import build_stories, story_diffs

    corpus = _open_corpus(db)
    found = next((s for s in build_stories(corpus.store) if s.id == story_id), None)
    if found is None:
        _fail(f"{db}: no story {story_id} (see 'retold stories --db {db}')")
        return
    if html is not None:
        from retold.report.story_html import render_story_html

        html.write_text(render_story_html(found, story_diffs(corpus, found)), encoding="utf-8")
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


def _seconds(text: str) -> float:
    """'90', '90s', '15m', '1h', '1h30m' as seconds."""
    import re

    match = re.fullmatch(
        r"\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m)?\s*(?:(\d+(?:\.\d+)?)s?)?\s*", text
    )
    if not text.strip() or match is None:
        _fail(f"--every: expected a duration such as 90s, 15m or 1h, got {text!r}")
        raise AssertionError  # unreachable: _fail exits
    hours, minutes, seconds = (float(g) if g else 0.0 for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


@app.command()
def watch(
    sources: Annotated[
        Path, typer.Argument(help="A file listing feed, sitemap or page URLs, one per line")
    ],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    every: Annotated[str, typer.Option(help="Time between two rounds: 90s, 15m, 1h")] = "15m",
    once: Annotated[bool, typer.Option("--once", help="Run one round and exit (for cron)")] = False,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object per event (JSON lines)")
    ] = False,
    user_agent: Annotated[str | None, USER_AGENT_OPTION] = None,
    timeout: Annotated[float, TIMEOUT_OPTION] = 15.0,
    delay: Annotated[float, DELAY_OPTION] = 1.0,
    per_host: Annotated[int, PER_HOST_OPTION] = 2,
) -> None:
    """Poll feeds, sitemaps and pages; ingest and link what is new, keep every new version of a
    page. One line per new article or version. Ctrl+C or SIGTERM stops after the page in hand;
    a restart resumes."""
    import json
    import signal
    import threading

    from retold.corpus.follow import Follower, read_source_list
    from retold.corpus.follow import watch as watch_sources

    period = _seconds(every)
    try:
        urls = read_source_list(sources)
    except RetoldError as exc:
        _fail(str(exc))
    corpus = _open_corpus(db, must_exist=False, read_only=False)
    stop = threading.Event()
    console = Console()
    errors = Console(stderr=True)

    def request_stop(signum: int, frame: object) -> None:
        errors.print("stopping after the page in hand…")
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    def show(event: FollowEvent) -> None:
        if json_output:
            sys.stdout.write(json.dumps(event.__dict__, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        elif event.kind in ("new", "version", "failed", "rejected", "duplicate"):
            console.print(event.line(), highlight=False, markup=False, soft_wrap=True)

    def round_done(number: int, report: object, judged: int) -> None:
        if not json_output:
            errors.print(f"round {number} done: {judged} pairs judged")

    with _fetcher(user_agent, timeout, delay, per_host) as fetcher:
        follower = Follower(corpus, fetcher, show, stop)
        watch_sources(follower, urls, period, once=once, on_round=round_done)
    corpus.close()


@app.command()
def history(
    page: Annotated[str, typer.Argument(help="A followed URL, or an article id")],
    db: Annotated[Path, DB_OPTION] = Path("retold.db"),
    json_output: Annotated[bool, typer.Option("--json", help="Print the versions as JSON")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the page's history as HTML here")
    ] = None,
) -> None:
    """Every stored version of a page, with what changed each time; silent edits flagged."""
    import json

    from retold.corpus.follow import page_history

    corpus = _open_corpus(db)
    found = page_history(corpus.store, page)
    if found is None:
        _fail(f"{db}: no stored page {page} (fetch it with 'retold ingest {page} --db {db}')")
        return
    if html is not None:
        from retold.report.history_html import render_history_html

        try:
            html.write_text(render_history_html(found), encoding="utf-8")
        except OSError as exc:
            _fail(f"{html}: cannot write the page ({exc.strerror or exc})")
    if json_output:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, ensure_ascii=False) + "\n")
        return
    from retold.report.terminal import render_history

    render_history(found, Console())
    if html is not None:
        Console(stderr=True).print(f"HTML page written to {html}")


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
