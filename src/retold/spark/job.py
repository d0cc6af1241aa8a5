"""The corpus pipeline on Apache Spark: read → prepare (per partition, the local stage
functions) → exact duplicates → candidate pairs by LSH banding as a shuffle (MinHash bands and
SimHash bands of the article vectors, huge buckets capped and reported) → judge each pair with
the compare engine → copy groups and story families as connected components → originals.

Outputs are Parquet tables with the columns of `retold export`: articles, duplicates, rejects,
pairs, clusters, stories."""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from retold.ingest.records import FieldNames, iter_records
from retold.settings import DEFAULT_SETTINGS, Settings
from retold.spark.stages import (
    COPY_GROUP_SCHEMA,
    FAMILY_SCHEMA,
    ORIGINAL_SCHEMA,
    PAIR_SCHEMA,
    PREPARED_SCHEMA,
    RECORD_FIELDS,
    bits_per_band,
    communities_of_component,
    copy_groups_of_component,
    judge_batches,
    original_of_story,
    prepare_batches,
    vector_band_batches,
)
from retold.stories import COPY_RELATIONS, FAMILY_RELATIONS

ARTICLE_COLUMNS = [
    "id", "record_key", "external_id", "source", "title", "url", "published", "site", "author",
    "language", "attribution", "chrome", "paragraphs", "sentences", "sentence_paragraphs",
    "text_hash", "signature",
]  # fmt: skip


@dataclass
class JobOptions:
    inputs: list[str]
    output: str
    master: str | None = None
    partitions: int = 8
    max_bucket: int = 200  # a band bucket holding more articles than this is skipped, reported
    stories: bool = True
    fields: FieldNames = FieldNames()
    settings: Settings = DEFAULT_SETTINGS


@dataclass
class JobReport:
    records: int = 0
    articles: int = 0
    duplicates: int = 0
    rejects: int = 0
    candidate_pairs: int = 0
    judged_pairs: int = 0
    copy_groups: int = 0
    stories: int = 0
    skipped_buckets: list[dict[str, Any]] = field(default_factory=list)
    seconds_by_stage: dict[str, float] = field(default_factory=dict)
    output: str = ""


def session(master: str | None, partitions: int) -> SparkSession:
    if (master is None or master.startswith("local")) and "PYSPARK_PYTHON" not in os.environ:
        # local mode: the Python workers must be this interpreter, which has retold installed
        os.environ["PYSPARK_PYTHON"] = sys.executable
    builder = SparkSession.builder.appName("retold")
    if master:
        builder = builder.master(master)
    return (
        builder.config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )


# -- reading ---------------------------------------------------------------------------------
def read_records(spark: SparkSession, inputs: list[str], fields: FieldNames) -> DataFrame:
    """Records as rows (order_key, record_key, source, id, text, title, …), in input order."""
    frames = []
    by_kind: dict[str, list[str]] = {"json": [], "parquet": [], "warc": []}
    for pattern in inputs:
        name = pattern.lower().removesuffix(".gz")
        kind = (
            "parquet" if name.endswith(".parquet") or Path(pattern).is_dir()
            else "warc" if name.endswith((".warc", ".arc"))
            else "json"
        )  # fmt: skip
        by_kind[kind].append(pattern)
    renames = {getattr(fields, k): k for k in (*RECORD_FIELDS, "id")}
    if by_kind["json"]:
        lines = spark.read.text(by_kind["json"]).where(F.trim("value") != "")
        schema = "struct<" + ",".join(f"`{src}`:string" for src in renames) + ">"
        parsed = lines.select(
            F.input_file_name().alias("file"),
            F.from_json("value", schema, {"mode": "PERMISSIVE"}).alias("r"),
            F.col("value").alias("raw"),
        )
        frames.append(
            parsed.select("file", *[F.col(f"r.`{src}`").alias(dst) for src, dst in renames.items()])
        )
    if by_kind["parquet"]:
        table = spark.read.parquet(*by_kind["parquet"])
        present = {c.lower(): c for c in table.columns}
        frames.append(
            table.select(
                F.input_file_name().alias("file"),
                *[
                    (
                        F.col(present[src.lower()]).cast("string")
                        if src.lower() in present
                        else F.lit(None).cast("string")
                    ).alias(dst)
                    for src, dst in renames.items()
                ],
            )  # fmt: skip
        )
    if by_kind["warc"]:
        paths = sorted({p for pattern in by_kind["warc"] for p in glob.glob(pattern)})
        frames.append(_warc_records(spark, paths, fields))
    if not frames:
        raise ValueError("no input given")
    records = frames[0]
    for frame in frames[1:]:
        records = records.unionByName(frame)
    records = records.withColumn("order_key", F.monotonically_increasing_id())
    return records.withColumn(
        "record_key", F.concat_ws("@", "file", F.col("order_key").cast("string"))
    ).withColumn("source", F.coalesce(F.col("url"), F.col("record_key")))


def _warc_records(spark: SparkSession, paths: list[str], fields: FieldNames) -> DataFrame:
    """WARC/ARC files read on the executors with the local reader (paths must be visible to
    them: a local or shared file system)."""

    def read(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            rows = []
            for path in batch["file"]:
                for record in iter_records([Path(path)], fields):
                    document = getattr(record, "document", None)
                    if document is None:
                        continue
                    rows.append(
                        {"file": path, "id": record.key, "text": document.text,
                         **{k: getattr(document, k) for k in RECORD_FIELDS if k != "text"}}
                    )  # fmt: skip
            yield pd.DataFrame(rows, columns=["file", "id", *RECORD_FIELDS])

    files = spark.createDataFrame([(p,) for p in paths], "file string")
    schema = "file string, id string, " + ", ".join(f"{k} string" for k in RECORD_FIELDS)
    return files.repartition(max(1, len(paths))).mapInPandas(read, schema)


# -- the job ---------------------------------------------------------------------------------
def run(options: JobOptions, spark: SparkSession | None = None) -> JobReport:
    spark = spark or session(options.master, options.partitions)
    report = JobReport(output=options.output)
    settings_json = json.dumps(dataclasses.asdict(options.settings))
    out = options.output.rstrip("/")
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        report.seconds_by_stage[name] = round(now - clock, 2)
        clock = now

    records = read_records(spark, options.inputs, options.fields)
    prepared = (
        records.repartition(options.partitions)
        .mapInPandas(lambda b: prepare_batches(b, settings_json), PREPARED_SCHEMA)
        .persist()
    )
    report.records = prepared.count()
    stage("read + clean + fingerprint + embed")

    rejects = prepared.where(F.col("reject").isNotNull()).select(
        "record_key", "source", F.lit("").alias("location"), F.col("reject").alias("reason")
    )
    readable = prepared.where(F.col("reject").isNull())
    first = Window.partitionBy("text_hash").orderBy("order_key")
    ranked = readable.withColumn("copy_rank", F.row_number().over(first))
    canonical = ranked.where("copy_rank = 1").drop("copy_rank")
    ids = (
        canonical.select("order_key").rdd.map(lambda r: r[0]).sortBy(lambda k: k)
        .zipWithIndex().map(lambda kv: (kv[0], kv[1] + 1)).toDF("order_key long, id long")
    )  # fmt: skip
    articles = canonical.join(ids, "order_key").persist()
    report.articles = articles.count()
    duplicates = (
        ranked.where("copy_rank > 1")
        .join(articles.select(F.col("text_hash"), F.col("id").alias("duplicate_of")), "text_hash")
        .select("record_key", "source", "url", "published", "site", "duplicate_of")
    )
    stage("exact duplicates + ids")

    candidates, skipped = candidate_pairs(articles, options.max_bucket, options.settings)
    report.skipped_buckets = skipped
    candidates = candidates.persist()
    report.candidate_pairs = candidates.count()
    stage("LSH banding shuffle")

    side_columns = [
        "id", "source", "title", "url", "published", "site", "author", "language",
        "attribution", "chrome", "paragraphs", "sentences", "sentence_paragraphs",
    ]  # fmt: skip
    sides = articles.select(*side_columns)
    a_side = sides.select(*[F.col(c).alias(f"a_{c}") for c in side_columns])
    b_side = sides.select(*[F.col(c).alias(f"b_{c}") for c in side_columns])
    pairs = (
        candidates.join(a_side, F.col("a") == F.col("a_id"))
        .join(b_side, F.col("b") == F.col("b_id"))
        .drop("a", "b")
        .repartition(options.partitions)
        .mapInPandas(lambda b: judge_batches(b, settings_json), PAIR_SCHEMA)
        .persist()
    )
    report.judged_pairs = pairs.count()
    stage("judge pairs (compare engine)")

    copy_groups = split_components(
        pairs, COPY_RELATIONS, copy_groups_of_component, COPY_GROUP_SCHEMA, inner_pairs=True
    )
    tables: dict[str, DataFrame] = {
        "articles": articles.select(*ARTICLE_COLUMNS),
        "duplicates": duplicates,
        "rejects": rejects,
        "pairs": pairs.orderBy("a", "b"),
    }
    if options.stories:
        family_pairs = pairs.where(F.col("relation").isin(*FAMILY_RELATIONS))
        families = split_components(
            pairs, FAMILY_RELATIONS, communities_of_component, FAMILY_SCHEMA, inner_pairs=True
        )
        dated = articles.select("id", "published")
        story_pairs = (
            family_pairs.join(families.withColumnRenamed("id", "a"), "a")
            .join(dated.toDF("a", "a_published"), "a")
            .join(dated.toDF("b", "b_published"), "b")
        )
        originals = story_pairs.groupBy("story").applyInPandas(original_of_story, ORIGINAL_SCHEMA)
        sizes = families.groupBy("story").agg(F.count("*").alias("size"))
        tables["stories"] = sizes.join(originals, "story").orderBy("story")
        tables["clusters"] = (
            families.join(copy_groups, "id", "left")
            .join(originals.select("story", "original"), "story")
            .select(
                F.col("id").alias("article_id"), "story",
                F.coalesce("copy_group", "id").alias("copy_group"),
                (F.col("id") == F.col("original")).alias("is_original"),
            )
            .join(articles.select(F.col("id").alias("article_id"), "title", "source", "url",
                                  "published", "site", "language"), "article_id")
            .orderBy("article_id")
        )  # fmt: skip
    else:
        tables["clusters"] = copy_groups.select(F.col("id").alias("article_id"), "copy_group")
    for name, table in tables.items():
        table.write.mode("overwrite").parquet(f"{out}/{name}")
    report.duplicates = spark.read.parquet(f"{out}/duplicates").count()
    report.rejects = spark.read.parquet(f"{out}/rejects").count()
    clusters = spark.read.parquet(f"{out}/clusters")
    report.copy_groups = clusters.select("copy_group").distinct().count()
    if options.stories:
        report.stories = spark.read.parquet(f"{out}/stories").count()
    stage("components + originals + write")
    prepared.unpersist()
    articles.unpersist()
    candidates.unpersist()
    pairs.unpersist()
    return report


def candidate_pairs(
    articles: DataFrame, max_bucket: int, settings: Settings
) -> tuple[DataFrame, list[dict[str, Any]]]:
    """Pairs (a < b) sharing a MinHash band bucket or a SimHash band bucket of their vectors
    (then cosine ≥ the local pipeline's vector_candidate_min). A bucket holding more than
    `max_bucket` articles is boilerplate, not a copy signal: it is skipped and reported."""
    minhash = articles.select("id", F.explode("band_keys").alias("key")).withColumn(
        "kind", F.lit("minhash")
    )
    bits = bits_per_band(articles.count())
    vectors = (
        articles.where(F.col("vector").isNotNull())
        .select("id", "vector")
        .mapInPandas(lambda b: vector_band_batches(b, bits), "id long, key long")
        .withColumn("kind", F.lit("vector"))
    )
    memberships = minhash.unionByName(vectors)
    sizes = memberships.groupBy("kind", "key").agg(F.count("*").alias("size"))
    skipped_rows = sizes.where(F.col("size") > max_bucket).orderBy(F.desc("size")).limit(20)
    skipped = [row.asDict() for row in skipped_rows.collect()]
    kept = memberships.join(sizes.where(F.col("size") <= max_bucket), ["kind", "key"])
    left = kept.select("kind", "key", F.col("id").alias("a"))
    right = kept.select("kind", "key", F.col("id").alias("b"))
    pairs = left.join(right, ["kind", "key"]).where(F.col("a") < F.col("b"))
    by_text = pairs.where(F.col("kind") == "minhash").select("a", "b").distinct()
    vector_of = articles.select("id", "vector")
    cosine = F.aggregate(
        F.zip_with("va", "vb", lambda x, y: x * y), F.lit(0.0), lambda acc, v: acc + v
    )
    near = (
        pairs.where(F.col("kind") == "vector").select("a", "b").distinct()
        .join(vector_of.toDF("a", "va"), "a").join(vector_of.toDF("b", "vb"), "b")
        .select("a", "b", cosine.alias("cosine"))
        .where(F.col("cosine") >= settings.vector_candidate_min)
    )  # fmt: skip
    # As the local index does: each article's `vector_candidates` nearest (itself among them),
    # of which the earlier-ingested ones become its candidates.
    both_ways = near.unionByName(
        near.select(F.col("b").alias("a"), F.col("a").alias("b"), "cosine")
    )
    nearest = Window.partitionBy("b").orderBy(F.desc("cosine"), "a")
    by_vector = (
        both_ways.withColumn("rank", F.row_number().over(nearest))
        .where((F.col("rank") <= settings.vector_candidates - 1) & (F.col("a") < F.col("b")))
        .select("a", "b")
    )
    return by_text.unionByName(by_vector).distinct(), skipped


def split_components(
    pairs: DataFrame,
    relations: set[str],
    of_component: Callable[[pd.DataFrame], pd.DataFrame],
    schema: str,
    inner_pairs: bool = False,
) -> DataFrame:
    """The pairs of `relations`, in connected components, each component handed whole to
    `of_component` (a local stage that splits it as the local corpus does), with every other
    judged pair inside the component when `inner_pairs` (the families step weighs the pairs
    judged another event too, the copy groups step those judged no copy)."""
    chosen = pairs.where(F.col("relation").isin(*relations))
    components = connected_components(chosen.select("a", "b"))
    grouped = (pairs if inner_pairs else chosen).join(components.withColumnRenamed("id", "a"), "a")
    if inner_pairs:
        grouped = (
            grouped.join(components.toDF("b", "b_component"), "b")
            .where(F.col("component") == F.col("b_component"))
            .drop("b_component")
        )
    return grouped.groupBy("component").applyInPandas(of_component, schema)


def connected_components(edges: DataFrame, max_iterations: int = 50) -> DataFrame:
    """(id, component) for every vertex of `edges`, component being the smallest id reachable:
    iterative minimum-label propagation on DataFrames, checkpointed each round."""
    both = edges.select("a", "b").unionByName(
        edges.select(F.col("b").alias("a"), F.col("a").alias("b"))
    )
    labels = both.select(F.col("a").alias("id")).distinct().withColumn("component", F.col("id"))
    for _ in range(max_iterations):
        proposals = (
            both.join(labels.toDF("b", "label"), "b")
            .groupBy("a")
            .agg(F.min("label").alias("proposal"))
        )
        updated = (
            labels.join(proposals.withColumnRenamed("a", "id"), "id", "left")
            .select(
                "id", F.least("component", F.coalesce("proposal", "component")).alias("component")
            )
            .localCheckpoint()
        )
        changed = (
            updated.join(labels.toDF("id", "before"), "id")
            .where(F.col("component") != F.col("before"))
            .count()
        )
        labels = updated
        if changed == 0:
            break
    return labels
