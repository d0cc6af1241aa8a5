"""Entry point for `spark-submit` (and for `retold spark`):

    spark-submit --master yarn "$(python -c 'import retold.spark.submit as s; print(s.__file__)')" \
        stories --input 's3a://bucket/news/*.parquet' --output s3a://bucket/retold/

Prints the job report as JSON on stdout."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys

from retold.spark.job import JobOptions, run


def parse(argv: list[str]) -> JobOptions:
    parser = argparse.ArgumentParser(prog="retold-spark", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["dedup", "stories"])
    parser.add_argument("--input", action="append", required=True, help="JSONL(.gz), Parquet, WARC")
    parser.add_argument("--output", required=True)
    parser.add_argument("--spark-master", default=None)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--max-bucket", type=int, default=200)
    args = parser.parse_args(argv)
    return JobOptions(
        inputs=args.input, output=args.output, master=args.spark_master,
        partitions=args.partitions, max_bucket=args.max_bucket,
        stories=args.command == "stories",
    )  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    report = run(parse(sys.argv[1:] if argv is None else argv))
    sys.stdout.write(json.dumps(dataclasses.asdict(report), indent=2) + "\n")


if __name__ == "__main__":
    main()
