# Two commands on a fresh machine:  make demo  (set up, compare the bundled seeds)
#                                   make test  (set up, lint, type-check, run the tests)
VENV ?= .venv
BIN := $(VENV)/bin
SEED_A := examples/000_00b604c149b801a8.txt
SEED_B := examples/001_603a41bd3f50bd22.txt

.PHONY: setup demo test lint chromium bench

setup: $(VENV)/.installed

# torch is installed first and pinned: the CPU build on disk, not the registry's CUDA build.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

demo: setup
	mkdir -p out
	$(BIN)/retold compare $(SEED_A) $(SEED_B) --html out/seeds.html
	@echo "JSON: $(BIN)/retold compare $(SEED_A) $(SEED_B) --json    HTML report: out/seeds.html"

chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium chromium-driver)

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

test: setup chromium lint
	$(BIN)/pytest

bench: setup
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	$(BIN)/python bench/bench_compare.py
	$(BIN)/python bench/bench_e5.py
	$(BIN)/python bench/bench_lsh.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_fetch.py
	$(BIN)/python bench/eval_realnews.py --before bench/results/realnews_stop27.json
	$(BIN)/python bench/eval_cascade.py
	$(BIN)/python bench/bench_peer.py
