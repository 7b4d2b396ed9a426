# tricks_mm: every target installs first (idempotent: a ready machine takes seconds).
VENV ?= .venv
PY := $(VENV)/bin/python
export OMP_NUM_THREADS ?= 2

.PHONY: install test demo bench

install:
	bash scripts/install.sh

test: install
	$(PY) -m pytest tests -q

bench: install
	$(PY) benchmarks/backbone_speed.py
