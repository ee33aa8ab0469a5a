"""The ``claimcheck`` command: ingest, ask, reports, remove, serve, eval, nli, calibrate, train-verifier."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

import click

from bot.settings import Settings
from bot.training.config import click_options as training_options

EXIT_INPUT, EXIT_FAILED = 2, 1


def _settings(ctx: click.Context) -> Settings:
    """The settings from flags, environment and ``.env``; a bad value is named in one line, not a traceback."""
    from pydantic import ValidationError

    overrides = {k: v for k, v in ctx.obj.items() if v is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(f"CLAIMCHECK_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        _fail(f"bad setting: {problems}", EXIT_INPUT)


def _fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _open(ctx: click.Context, seed: bool = True, progress: bool = False, settings: Settings | None = None):
    from bot.service import open_engine
    from index.store import DataDirInUse, StoreCorrupt

    try:
        return open_engine(settings or _settings(ctx), seed=seed, progress=progress)
    except (DataDirInUse, StoreCorrupt) as exc:
        _fail(str(exc))


def _write_outputs(save: Callable[[Path], None], out: Path | None, measured: dict, report: Path | None) -> None:
    """A fitted model to ``out`` and its measurements to ``report``, each when given."""
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        save(out)
        click.echo(f"wrote {out}", err=True)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(measured, indent=1))


def _shared_data_option(help_text: str) -> Callable:
    """``--data``: the shared data folder beside the checkout."""
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(exists=True, path_type=Path),
        default=Path("../shared/data"),
        show_default=True,
        help=help_text,
    )


@click.group()
@click.option("--data-dir", type=click.Path(path_type=Path), help="index folder [env CLAIMCHECK_DATA_DIR]")
@click.option("--chroma-url", help="use a Chroma server instead of the embedded store [env CLAIMCHECK_CHROMA_URL]")
@click.version_option(package_name="claimcheck")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None, chroma_url: str | None) -> None:
    """claimcheck: check claims against a library of dated reports, with verbatim citations."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    ctx.obj = {"data_dir": data_dir, "chroma_url": chroma_url}


@main.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@click.pass_context
def ingest(ctx: click.Context, targets: tuple[str, ...], quiet: bool, as_json: bool) -> None:
    """Add reports from files, folders (.txt .md .html .pdf .jsonl .csv) or http(s) URLs."""
    from bot.service import ingest as run_ingest

    engine = _open(ctx, seed=False)
    result = run_ingest(engine, list(targets), progress=not quiet and not as_json)
    if result.added or result.updated:
        engine.query_encoder  # noqa: B018 -- export it now, while the embedding model is loaded: the next `ask` is fast
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=1))
    else:
        click.echo(
            f"{len(result.added)} added, {len(result.updated)} updated, {len(result.unchanged)} unchanged, "
            f"{result.passages} passages ({result.passages_per_second:.1f}/s), "
            f"{len(result.errors)} problems"
        )
        for issue in result.errors:
            click.echo(f"  problem: {issue.where}: {issue.message}", err=True)
    engine.store.close()
    if result.errors and not (result.added or result.updated or result.unchanged):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("claim")
@click.option("--as-of", help="only evidence dated on or before YYYY-MM-DD")
@click.option("--date-from", help="only evidence dated on or after YYYY-MM-DD")
@click.option("--date-to", help="only evidence dated on or before YYYY-MM-DD")
@click.option("--top-k", type=int, help="passages to weigh (1-50)")
@click.option("--json", "as_json", is_flag=True, help="print the same JSON object as POST /api/verify")
@click.pass_context
def ask(
    ctx: click.Context,
    claim: str,
    as_of: str | None,
    date_from: str | None,
    date_to: str | None,
    top_k: int | None,
    as_json: bool,
) -> None:
    """Check CLAIM (or answer a question) against the library."""
    from bot.request import InputError

    engine = _open(ctx)
    try:
        reply = engine.check(claim, as_of=as_of, date_from=date_from, date_to=date_to, top_k=top_k)
    except InputError as exc:
        _fail(str(exc), EXIT_INPUT)
    if as_json:
        click.echo(reply.model_dump_json(indent=1))
        return
    from bot.reply import status_line

    # A confidence only beside a decisive verdict (status_line's words, as the chat and the API's answer word it).
    line = status_line(reply.kind, reply.verdict, reply.confidence, reply.evidence_found)
    click.echo(f"{reply.verdict}  {line}" if reply.kind == "claim" and reply.verdict else f"ANSWER (question)  {line}")
    if reply.kind == "question" and reply.citations:
        # The answer itself before the passages, as the chat and the API give it (an LLM's prose when one wrote it).
        from bot.steps.answers import answer_line

        llm = reply.answer_source == "llm"
        click.echo(reply.answer if llm else answer_line(reply.claim, reply.citations[0]))
    click.echo()
    for i, c in enumerate(reply.citations, 1):
        click.echo(f"[{i}] {c.stance.upper()}  {c.date or 'undated'}  {c.title}")
        click.echo(f"    “{c.quote}”")
        click.echo(f"    said by: {c.attribution}   source: {c.source}   {c.url}")
        if c.mismatches:  # as the chat shows it under the passage
            click.echo(f"    differs from the claim: {'; '.join(c.mismatches)}")
    for note in reply.notes:
        click.echo(f"note: {note}")


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reports(ctx: click.Context, as_json: bool) -> None:
    """List the reports in the library."""
    engine = _open(ctx, seed=False)
    rows = engine.store.reports()
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], indent=1))
        return
    for r in rows:
        click.echo(f"{r.date or 'undated':10}  {r.id:40}  {r.n_passages:4} passages  {r.title[:70]}")
    click.echo(f"{len(rows)} reports")


@main.command()
@click.argument("report_ids", nargs=-1, required=True)
@click.pass_context
def remove(ctx: click.Context, report_ids: tuple[str, ...]) -> None:
    """Remove reports by id (as `claimcheck reports` lists them) from the catalog, Chroma and the keyword index.

    Exits 1 when any id is not in the library (the others are still removed)."""
    from bot.service import remove as run_remove
    from index.store import DataDirInUse, Store, StoreCorrupt

    settings = _settings(ctx)
    try:  # the store alone: removing loads no model
        store = Store(settings.data_dir, settings.chroma_url, settings.embedding_model)
    except (DataDirInUse, StoreCorrupt) as exc:
        _fail(str(exc))
    with store:
        removed, unknown = run_remove(store, list(report_ids))
    for rid in removed:
        click.echo(f"removed {rid}")
    if unknown:
        _fail(f"not in the library: {', '.join(unknown)} (`claimcheck reports` lists the ids)")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=7860, show_default=True, type=int)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the chat window (/), the widget (/widget.js), and the API (/api, docs at /docs)."""
    import uvicorn

    from bot.api import create_app

    engine = _open(ctx, progress=True)
    engine.warm()
    engine.store.follow(engine.settings.sync_interval)  # with a Chroma server: writes by other replicas come in
    click.echo(f"claimcheck: {len(engine.store.reports())} reports; http://{host}:{port}/", err=True)
    uvicorn.run(create_app(engine), host=host, port=port, log_level="info")


@main.command()
@click.argument("premise")
@click.argument("claim")
@click.option("--json", "as_json", is_flag=True, help='print {"entailment": p, "neutral": p, "contradiction": p}')
@click.option("--combined", is_flag=True, help="the verdict step's probabilities (cross-encoder + combiner)")
@click.pass_context
def nli(ctx: click.Context, premise: str, claim: str, as_json: bool, combined: bool) -> None:
    """Score one (evidence, claim) pair with the verifier (the bare cross-encoder unless --combined)."""
    from bot.nli.combiner import load_verifier
    from bot.nli.scorer import load_scorer, nli_probs

    settings = _settings(ctx)
    scorer = load_verifier(settings.verifier, settings.combiner) if combined else load_scorer(settings.verifier)
    probs = nli_probs(premise, claim, scorer)
    if as_json:
        click.echo(json.dumps(probs))
    else:
        for k, v in probs.items():
            click.echo(f"{k:14} {v:.3f}")


@main.command(name="eval")
@click.argument("claims", type=click.Path(exists=True, path_type=Path))
@click.option("--corpus", multiple=True, help="reports to ingest first (paths or URLs); repeat for several")
@click.option("--scifact", is_flag=True, help="CLAIMS is a SciFact folder (eval_dev_unified.jsonl + corpus.jsonl)")
@click.option("--use-as-of", is_flag=True, help="pass each claim's as_of as a filter (a second, easier run)")
@click.option("--limit", type=int, help="first N claims only")
@click.option(
    "--fit-thresholds",
    is_flag=True,
    help="grid-search the verdict thresholds on these claims; report 2-fold cross-validated accuracy",
)
@click.option("--out", type=click.Path(path_type=Path), help="folder for per-claim JSONL, metrics and PNGs")
@click.option("--json", "as_json", is_flag=True, help="print the metrics as one JSON object")
@click.pass_context
def eval_cmd(
    ctx: click.Context,
    claims: Path,
    corpus: tuple[str, ...],
    scifact: bool,
    use_as_of: bool,
    limit: int | None,
    fit_thresholds: bool,
    out: Path | None,
    as_json: bool,
) -> None:
    """Run labelled claims through the chain and report accuracy, macro-F1, evidence recall and more."""
    from bot import evaluate
    from bot import gold as gold_claims
    from bot.service import ingest as run_ingest

    engine = _open(ctx, seed=False)
    targets = list(corpus)
    if scifact:
        targets.append(str(gold_claims.scifact_corpus_jsonl(claims, engine.settings.data_dir / "scifact_corpus.jsonl")))
        gold = gold_claims.scifact_claims(claims)
    else:
        gold = gold_claims.read_claims(claims)
    if targets:
        res = run_ingest(engine, targets, progress=not as_json)
        if res.errors:
            click.echo(f"{len(res.errors)} ingest problems, first: {res.errors[0].message}", err=True)
    gold = gold[:limit] if limit else gold
    results = list(
        evaluate.run_claims(engine, gold, use_as_of=use_as_of, progress=not as_json, keep_trace=fit_thresholds)
    )
    metrics, rows = evaluate.summarise(engine, results)
    if fit_thresholds:
        metrics["threshold_fit"] = evaluate.cross_validated_fit(
            [(r.gold.claim, r.gold.label, list(r.trace.judgement.candidates)) for r in results], engine.thresholds
        )
    if out:
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "claims.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        (out / "metrics.json").write_text(json.dumps(metrics, indent=1))
        evaluate.plots(rows, metrics, out)
    if as_json:
        click.echo(json.dumps(metrics))
    else:
        for key in (
            "n",
            "accuracy",
            "macro_f1",
            "evidence_recall",
            "evidence_at_1",
            "citation_precision",
            "fabricated",
            "abstention_rate",
            "conflicting",
            "ece",
            "supported_precision",
            "refuted_precision",
            "true_claims_refuted",
            "absent_claims_decided",
            "right_decisive",
        ):
            click.echo(f"{key:20} {metrics[key]}")
            if key == "ece":
                floor = metrics["ece_if_calibrated"]
                click.echo(f"{'ece_if_calibrated':20} {floor['mean']} (90% of calibrated draws below {floor['p90']})")
        click.echo("confusion (rows gold, columns predicted: SUPPORTS REFUTES NOT_ENOUGH_INFO)")
        for g, row in metrics["confusion"].items():
            click.echo(f"  {g:16} " + " ".join(f"{v:4}" for v in row.values()))


@main.command()
@_shared_data_option("the shared data folder (isw-2022/, scifact/)")
@click.option("--isw", "isw_dir", type=click.Path(path_type=Path), help="index folder for the ISW library + seeds")
@click.option("--scifact", "scifact_dir", type=click.Path(path_type=Path), help="index folder for SciFact")
@click.option("--out", type=click.Path(path_type=Path), help="write the fitted combiner here (JSON)")
@click.option("--report", type=click.Path(path_type=Path), help="write the measurements here (JSON)")
@click.option("--folds", default=5, show_default=True)
@click.pass_context
def calibrate(
    ctx: click.Context,
    data_dir: Path,
    isw_dir: Path | None,
    scifact_dir: Path | None,
    out: Path | None,
    report: Path | None,
    folds: int,
) -> None:
    """Fit the verdict combiner on dev claims (ISW, SciFact) and report cross-fitted accuracy against the bare model.

    An empty index folder is filled first (ISW: seeds + reports.jsonl; SciFact: its 5,183 abstracts).
    """
    from bot import gold as gold_claims
    from bot.nli.combiner import model_fingerprint
    from bot.nli.scorer import MODEL_DIR
    from bot.service import ingest as run_ingest
    from bot.service import seeds_dir
    from bot.training import calibrate as cal
    from bot.verdict.decision import Thresholds

    if not isw_dir and not scifact_dir:
        _fail("give --isw and/or --scifact index folders", EXIT_INPUT)
    base = _settings(ctx)
    traced = []
    for name, folder in (("isw", isw_dir), ("scifact", scifact_dir)):
        if folder is None:
            continue
        settings = base.model_copy(update={"data_dir": folder, "combiner": "off"})
        engine = _open(ctx, seed=False, settings=settings)
        if name == "isw":
            claims, corpus = (
                gold_claims.read_claims(data_dir / "isw-2022" / "claims_dev.jsonl"),
                [str(seeds_dir(settings)), str(data_dir / "isw-2022" / "reports.jsonl")],
            )
        else:
            claims = gold_claims.scifact_claims(data_dir / "scifact")
            corpus = [str(gold_claims.scifact_corpus_jsonl(data_dir / "scifact", folder / "scifact_corpus.jsonl"))]
        if not engine.store.reports():
            run_ingest(engine, corpus, progress=True)
        traced += cal.trace_claims(engine, claims, name, progress=True)
        engine.store.close()
    results = cal.evaluate(traced, Thresholds.load(), folds=folds)
    model = cal.fit_traced(traced)
    verifier_dir = MODEL_DIR if base.verifier in ("", "shipped") else Path(base.verifier)
    model.meta = (model.meta or {}) | {
        "verifier": base.verifier,
        "verifier_sha256": model_fingerprint(verifier_dir),
        "measured": results,
    }
    _write_outputs(model.save, out, results, report)
    for name, entry in results.items():
        for key, value in entry.items():
            shown = {k: v for k, v in value.items() if k != "confusion"}
            click.echo(f"{name:8} {key:28} {json.dumps(shown)}")


@main.command(name="fit-decision")
@click.option(
    "--isw", "isw_dir", type=click.Path(path_type=Path), required=True, help="index folder of the ISW library"
)
@click.option(
    "--claims",
    "claim_files",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="labelled claims to fit on (repeat; default: claims_dev and claims_train in ../shared/data/isw-2022)",
)
@click.option("--out", type=click.Path(path_type=Path), help="write the fitted decision here (JSON)")
@click.option("--report", type=click.Path(path_type=Path), help="write the held-out measurements here (JSON)")
@click.option("--folds", default=5, show_default=True)
@click.option("--target-precision", default=0.90, show_default=True, help="held-out precision a decisive verdict needs")
@click.option(
    "--repeats",
    default=1,
    show_default=True,
    type=click.IntRange(1, 100),
    help="cross-validations with different fold draws, pooled for the temperature and the thresholds",
)
@click.option(
    "--date-moved/--no-date-moved",
    default=False,
    show_default=True,
    help="also fit on a false copy of each true claim with its month moved (bot/training/date_moved.py)",
)
@click.pass_context
def fit_decision(
    ctx: click.Context,
    isw_dir: Path,
    claim_files: tuple[Path, ...],
    out: Path | None,
    report: Path | None,
    folds: int,
    target_precision: float,
    repeats: int,
    date_moved: bool,
) -> None:
    """Fit the learned verdict on labelled claims (grouped cross-validation, calibration, precision thresholds)."""
    from bot import gold as gold_claims
    from bot.training import fit_decision as fd

    files = list(claim_files) or [
        Path("../shared/data/isw-2022") / name for name in ("claims_dev.jsonl", "claims_train.jsonl")
    ]
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        _fail(f"claims not found: {', '.join(missing)}", EXIT_INPUT)
    from functools import partial

    from bot.verdict.decision import decide

    # Planned as the learned decision plans (a claim's period is no hard filter); decided by the rules meanwhile.
    settings = _settings(ctx).model_copy(update={"data_dir": isw_dir, "decision": "shipped"})
    engine = _open(ctx, seed=False, settings=settings)
    engine.decision = partial(decide, th=engine.thresholds)
    claims = [c for f in files for c in gold_claims.read_claims(f)]
    if date_moved:
        from bot.training.date_moved import date_moved_claims

        claims += date_moved_claims(claims)
    traced = fd.trace_claims(engine, claims, progress=True)
    decision, held_out = fd.fit_decision(traced, folds=folds, target=target_precision, repeats=repeats)
    result = fd.held_out_report(traced, held_out, decision, engine)
    decision = decision.with_meta(held_out=result)
    engine.store.close()
    _write_outputs(decision.save, out, result, report)
    for name, values in result.items():
        click.echo(f"{name:10} {json.dumps(values)}")


@main.command(name="train-verifier")
@_shared_data_option("the shared data folder (nli/, scifact/, isw-2022/)")
@click.option(
    "--library",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="reports to make synthetic pairs from (default: the ISW reports in --data)",
)
@click.option("--work", type=click.Path(path_type=Path), default=Path("runs/verifier"), show_default=True)
@click.option("--out", type=click.Path(path_type=Path), help="where to export the ONNX model (default: --work/model)")
@click.option(
    "--context-share",
    type=click.FloatRange(0, 1),
    default=0.0,
    show_default=True,
    help="share of synthetic paraphrases that add who said it and when ('X said in June 2022 that ...')",
)
@click.option(
    "--pairs",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="claims written about the library's sentences to train on too (benchmarks/data/isw_pairs_train.jsonl)",
)
@click.option("--pairs-repeat", type=click.IntRange(1), default=6, show_default=True, help="times each is trained on")
@training_options
def train_verifier(
    data_dir: Path,
    library: tuple[Path, ...],
    work: Path,
    out: Path | None,
    context_share: float,
    pairs: tuple[Path, ...],
    pairs_repeat: int,
    **options: Any,
) -> None:
    """Rebuild the verifier: recipe -> training (progress and ETA) -> held-out scores -> int8 ONNX export.

    The training options and their defaults are the standalone script's too (python -m bot.training.train): both are
    built from bot/training/config.py."""
    from bot.training import recipe, train
    from bot.training.config import TrainConfig
    from bot.training.export import export
    from index.embeddings import resolve_model_path

    libs = list(library) or [data_dir / "isw-2022" / "reports.jsonl"]
    click.echo("building the training set ...", err=True)
    try:
        counts = recipe.build(
            data_dir, libs, work / "data", context_share=context_share, written=pairs, written_repeat=pairs_repeat
        )
    except ValueError as exc:  # a written-pairs file that is not JSON lines, or a claim without quote or label
        _fail(str(exc), EXIT_INPUT)
    click.echo(f"{counts['train']} training pairs", err=True)
    config = TrainConfig(data=str(work / "data"), base=resolve_model_path(""), out=str(work / "trained"), **options)
    result = train.train(config)
    target = export(work / "trained", out or work / "model")
    click.echo(json.dumps(result["scores"], indent=1))
    click.echo(f"exported {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
