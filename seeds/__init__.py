"""The default library: reports ingested on the first ``claimcheck serve`` or ``ask`` against an empty index."""

from pathlib import Path

SEEDS_DIR = Path(__file__).parent
