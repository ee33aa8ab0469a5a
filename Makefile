# Benchmarks and evaluations (figures go to BENCHMARKS.md). Needs ../shared/data. ISW index: runs/isw, SciFact: runs/scifact.
SHELL := bash
PY ?= python
ISW ?= runs/isw
SCI ?= runs/scifact

.PHONY: bench isw-index eval-isw eval-holdout eval-scifact calibrate speed ingest-one scale scifact-retrieval verifier-speed train-speed test slow

isw-index:
	claimcheck --data-dir $(ISW) ingest --quiet seeds ../shared/data/isw-2022/reports.jsonl

eval-isw: isw-index
	claimcheck --data-dir $(ISW) eval ../shared/data/isw-2022/claims_dev.jsonl --out runs/eval-isw
	claimcheck --data-dir $(ISW) eval ../shared/data/isw-2022/claims_dev.jsonl --use-as-of --out runs/eval-isw-asof
	CLAIMCHECK_COMBINER=off claimcheck --data-dir $(ISW) eval ../shared/data/isw-2022/claims_dev.jsonl --out runs/eval-isw-bare

# The held-out ISW claim sets (benchmarks/data/README.md): measurement only, never tuned on. Sets kept unread for the
# next judged candidate stay out (UNREAD): their first run is that judgement's, with its rule committed before it.
UNREAD ?= benchmarks/data/isw_holdout54.jsonl benchmarks/data/isw_holdout55.jsonl
eval-holdout: isw-index
	cat $(filter-out $(UNREAD),$(sort $(wildcard benchmarks/data/isw_holdout*.jsonl))) > runs/holdout_all.jsonl  # the table splits the run by claim id
	claimcheck --data-dir $(ISW) eval runs/holdout_all.jsonl --out runs/eval-holdout-all
	$(PY) -m benchmarks.holdout_table runs/eval-holdout-all

# Cross-fitted measurement of the verdict combiner (writes a refitted combiner to runs/, not over the shipped one).
calibrate: isw-index
	claimcheck calibrate --isw $(ISW) --scifact $(SCI) --out runs/combiner.json --report runs/calibrate.json

eval-scifact:
	claimcheck --data-dir $(SCI) eval ../shared/data/scifact --scifact --out runs/eval-scifact

speed: isw-index
	$(PY) -m benchmarks.speed --data-dir $(ISW)

# Adding reports to a built library: keyword delta vs a full keyword rebuild, same run.
ingest-one: isw-index
	$(PY) -m benchmarks.ingest_one --data-dir $(ISW)

# Not in `bench`: about 50 minutes on 2 cores, ~11 GB of disk under $TMPDIR and ~9.5 GB of memory at x100.
scale: isw-index
	$(PY) -m benchmarks.scale --source-dir $(ISW) --factors 1 10 30 100

scifact-retrieval:
	$(PY) -m benchmarks.scifact --data-dir $(SCI)

verifier-speed:
	$(PY) -m benchmarks.verifier_speed

# Cross-encoder training pairs/s on this CPU, fp32 against bf16 autocast (same batches, same run).
train-speed:
	$(PY) -m benchmarks.train_speed

bench: eval-isw eval-holdout calibrate speed ingest-one scifact-retrieval eval-scifact verifier-speed train-speed

test:
	$(PY) -m pytest

slow:
	$(PY) -m pytest -m slow
