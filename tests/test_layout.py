"""The layers hold: stages below, the store and the Spark job above them, fronts on top, reports
rendering what they are handed. Read from the source (ast), so nothing is imported to check it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "retold"
FRONTS = ("retold.cli", "retold.web", "retold.spark")
ABOVE_STAGES = ("retold.corpus", "retold.report", *FRONTS)
# The package's public face (compare, load, Corpus) and its entry point sit above everything.
NOT_STAGES = {"retold", "retold.__main__", "retold.cli"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


SOURCES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def modules(under: str = "") -> list[str]:
    return [m for m in SOURCES if not under or m.startswith(f"retold.{under}")]


def imports(module: str) -> set[str]:
    """Every module `module` imports, at run time or for type checking, wherever in the file."""
    path = SOURCES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            package = module if path.name == "__init__.py" else module.rpartition(".")[0]
            for _ in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = node.module or ""
            if node.level:
                base = f"{package}.{base}".rstrip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def reaches(module: str, layers: tuple[str, ...]) -> list[str]:
    return sorted(
        i for i in imports(module) if any(i == x or i.startswith(x + ".") for x in layers)
    )


STAGES = [m for m in modules() if m not in NOT_STAGES and not m.startswith(ABOVE_STAGES)]


def test_the_stages_are_found() -> None:
    assert {"retold.prepare", "retold.stories", "retold.pipeline", "retold.versions"} <= set(STAGES)


@pytest.mark.parametrize("module", STAGES)
def test_a_stage_imports_neither_the_store_nor_a_report_nor_a_front(module: str) -> None:
    assert reaches(module, ABOVE_STAGES) == []


@pytest.mark.parametrize("module", modules("report"))
def test_a_report_renders_what_it_is_handed_and_never_reaches_the_store(module: str) -> None:
    assert reaches(module, ("retold.corpus", *FRONTS)) == []


@pytest.mark.parametrize("module", modules("corpus"))
def test_the_store_imports_no_report_and_no_front(module: str) -> None:
    assert reaches(module, ("retold.report", *FRONTS)) == []


@pytest.mark.parametrize("module", modules("spark"))
def test_the_spark_job_calls_the_stages_not_the_store(module: str) -> None:
    assert reaches(module, ("retold.corpus", "retold.report", "retold.cli", "retold.web")) == []
