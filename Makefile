# tricks_mm: every target installs first (idempotent: a ready machine takes seconds).
VENV ?= .venv
PY := $(VENV)/bin/python
export OMP_NUM_THREADS ?= 2
ifdef DATA_ROOT
export DATA_ROOT
endif

.PHONY: install test demo bench test-slurm

install:
	bash scripts/install.sh

# the suite: two pytest workers, one thread each (a file's tests stay on one worker: module fixtures run
# once); then the Slurm end-to-end test
test: install
	OMP_NUM_THREADS=1 $(PY) -m pytest tests -q -n 2 --dist loadfile
	$(MAKE) --no-print-directory test-slurm

# issue 15: the runner's Slurm backend end to end on a real one-node cluster of this machine (as root: apt-get
# installs slurm-wlm, slurmdbd, munge, mariadb-server; the test starts and stops its own cluster; without
# root the test is skipped and says why)
test-slurm: install
	if [ "$$(id -u)" = 0 ]; then bash scripts/slurm_local_cluster.sh install; fi
	SLURM_E2E=1 OMP_NUM_THREADS=1 $(PY) -m pytest tests/test_slurm_cluster.py -q -p no:xdist -rsP

bench: install
	$(PY) benchmarks/backbone_speed.py

# The main command: the paper's chain (classifiers -> Faster R-CNN and FCN) on synthetic data, or with
# DATA_ROOT=../shared/data the small-scale real-data protocol; prints the table and the plot paths.
demo: install
	$(PY) tools/demo.py
