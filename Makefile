# distillguard — every entry point sets itself up on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
DATA    ?= ../shared/data
STAMP   := $(VENV)/.installed
TORCH   := torch==2.13.0

.PHONY: setup demo test bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first (a local wheel); otherwise pip would pull a multi-GB CUDA build.
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.[services,watermark,intel,engines,dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/distillguard demo --out demo-out

test: setup
	bash scripts/test-services.sh $(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run_all --data-dir $(DATA)

clean:
	rm -rf demo-out .pytest_cache
