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

# The held-out ISW claim sets (benchmarks/data/README.md): measurement only, never tuned on.
eval-holdout: isw-index
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout.jsonl --out runs/eval-holdout
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout2.jsonl --out runs/eval-holdout2
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout3.jsonl --out runs/eval-holdout3
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout4.jsonl --out runs/eval-holdout4
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout5.jsonl --out runs/eval-holdout5
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout6.jsonl --out runs/eval-holdout6
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout7.jsonl --out runs/eval-holdout7
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout8.jsonl --out runs/eval-holdout8
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout9.jsonl --out runs/eval-holdout9
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout10.jsonl --out runs/eval-holdout10
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout11.jsonl --out runs/eval-holdout11
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout12.jsonl --out runs/eval-holdout12
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout13.jsonl --out runs/eval-holdout13
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout14.jsonl --out runs/eval-holdout14
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout15.jsonl --out runs/eval-holdout15
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout16.jsonl --out runs/eval-holdout16
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout17.jsonl --out runs/eval-holdout17
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout18.jsonl --out runs/eval-holdout18
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout19.jsonl --out runs/eval-holdout19
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout20.jsonl --out runs/eval-holdout20
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout21.jsonl --out runs/eval-holdout21
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout22.jsonl --out runs/eval-holdout22
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout23.jsonl --out runs/eval-holdout23
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout24.jsonl --out runs/eval-holdout24
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout25.jsonl --out runs/eval-holdout25
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout26.jsonl --out runs/eval-holdout26
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout27.jsonl --out runs/eval-holdout27
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout28.jsonl --out runs/eval-holdout28
	claimcheck --data-dir $(ISW) eval benchmarks/data/isw_holdout29.jsonl --out runs/eval-holdout29
	cat benchmarks/data/isw_holdout{,2,3}.jsonl > runs/holdout_pooled.jsonl
	cat benchmarks/data/isw_holdout{,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29}.jsonl > runs/holdout_all.jsonl
	claimcheck --data-dir $(ISW) eval runs/holdout_all.jsonl --out runs/eval-holdout-all

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
