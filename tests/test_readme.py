"""The README tells the truth: its commands exist, every option is documented, the schema holds."""

from __future__ import annotations

import json
import re

from conftest import ROOT, run_cli

from retold.result import CompareResult

README = (ROOT / "README.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def test_quick_start_has_two_commands_that_the_makefile_defines() -> None:
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick_start, re.MULTILINE)
    assert commands == ["demo", "test"]
    for target in commands:
        assert re.search(rf"^{target}:", MAKEFILE, re.MULTILINE)


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text()


COMMANDS = (
    "compare", "ingest", "search", "stories", "story", "export", "serve", "watch", "history",
)  # fmt: skip


def test_every_command_and_option_is_documented() -> None:
    listed = run_cli("--help").stdout
    for command in COMMANDS:
        assert command in listed
        assert f"retold {command} " in README
        help_text = run_cli(command, "--help").stdout
        options = set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}
        assert options, command
        for option in options:
            assert option in README, f"{command} {option} is not in the README"


def test_spark_commands_and_options_are_documented() -> None:
    for command in ("dedup", "stories"):
        assert f"retold spark {command} " in README
        help_text = run_cli("spark", command, "--help").stdout
        for option in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}:
            assert option in README, f"spark {command} {option} is not in the README"


def test_committed_schema_matches_the_result_model() -> None:
    committed = json.loads((ROOT / "docs" / "compare-schema.json").read_text())
    assert committed == CompareResult.model_json_schema()


def test_every_documented_top_level_key_is_in_the_schema() -> None:
    table = README.split("## JSON output", 1)[1].split("##", 1)[0]
    documented = set(re.findall(r"^\| `(\w+)`", table, re.MULTILINE)) | {"b"}
    assert documented == set(CompareResult.model_json_schema()["properties"])
