"""Opening the engine for a process: settings -> store -> seeds ingested on first use -> Engine.

Why here: the CLI, the HTTP app and the eval all start the same way, and the first-run seeding must not be repeated.
"""

from __future__ import annotations

from pathlib import Path

from bot.engine import Engine
from bot.settings import Settings
from index.ingest import IngestResult, Progress, ingest_targets
from index.loaders import LoadOptions
from index.store import Store


def seeds_dir(settings: Settings) -> Path:
    if settings.seeds_dir:
        return settings.seeds_dir
    from seeds import SEEDS_DIR

    return SEEDS_DIR


def load_options(settings: Settings) -> LoadOptions:
    return LoadOptions(max_bytes=settings.max_upload_bytes, allow_private_urls=settings.allow_private_urls)


def open_engine(settings: Settings, seed: bool = True, progress: bool = False) -> Engine:
    """The engine over ``settings.data_dir``; an empty library gets the seeds first."""
    engine = Engine.open(settings)
    if seed and not engine.store.reports():
        ingest(engine, [str(seeds_dir(settings))], progress=progress)
    return engine


def ingest(engine: Engine, targets: list[str], progress: bool = False, tracker: Progress | None = None) -> IngestResult:
    return ingest_targets(
        engine.store, targets, engine.embedder.encode, load_options(engine.settings), progress=progress, tracker=tracker
    )


def remove(store: Store, report_ids: list[str]) -> tuple[list[str], list[str]]:
    """Remove reports from the catalog, Chroma and the keyword index; returns (removed, unknown ids)."""
    return store.remove_reports(report_ids)
