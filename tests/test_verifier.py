"""The shipped verifier, the scorer interface, the synthetic generator's transformations, and a tiny training run."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys

import numpy as np
import pytest

from bot.nli.scorer import LABELS, MODEL_DIR, load_scorer, nli_probs
from bot.training import synth
from tests.helpers import CLEAR, ROOT, need_shared_data


def test_shipped_model_is_small_and_loads_offline():
    assert (MODEL_DIR / "verifier.onnx").stat().st_size < 50_000_000
    scorer = load_scorer()
    assert scorer is load_scorer()  # loaded once per process


def test_shipped_model_labels_clear_pairs():
    probs = load_scorer().score([(p, h) for p, h, _ in CLEAR])
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert [LABELS[i] for i in probs.argmax(axis=1)] == [label for _, _, label in CLEAR]


def test_a_pair_scores_the_same_whatever_is_scored_beside_it():
    """Dynamic int8 quantisation scales activations per input tensor: batched, a pair's probabilities moved with its
    batch-mates' lengths and content (by up to 0.35 on ISW candidates)."""
    scorer = load_scorer()
    alone = scorer.score([CLEAR[3][:2]])[0]
    long_mate = (
        " ".join(["Ukrainian forces repelled Russian assaults near Kharkiv City on February 26."] * 8),
        "Russian forces took Kharkiv.",
    )
    beside = scorer.score([CLEAR[0][:2], long_mate, CLEAR[3][:2], CLEAR[5][:2]])[2]
    assert np.array_equal(alone, beside)


def test_nli_probs_schema():
    out = nli_probs("Russian forces captured Kherson on March 2.", "Russian forces captured Kherson.")
    assert list(out) == ["entailment", "neutral", "contradiction"] and abs(sum(out.values()) - 1) < 1e-4


def test_any_hf_cross_encoder_by_path(tmp_path):
    """A tiny BERT classifier built and saved here stands in for a Hugging Face NLI model."""
    transformers = pytest.importorskip("transformers")
    from index.embeddings import resolve_model_path

    config = transformers.BertConfig(
        vocab_size=30522,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        num_labels=3,
        id2label={0: "CONTRADICTION", 1: "ENTAILMENT", 2: "NEUTRAL"},
        label2id={"CONTRADICTION": 0, "ENTAILMENT": 1, "NEUTRAL": 2},
    )
    transformers.BertForSequenceClassification(config).save_pretrained(tmp_path / "tiny")
    transformers.AutoTokenizer.from_pretrained(resolve_model_path("")).save_pretrained(tmp_path / "tiny")
    scorer = load_scorer(str(tmp_path / "tiny"))
    assert scorer.name.startswith("hf:") and scorer._perm == [1, 2, 0]
    out = scorer.score([("a premise", "a claim"), ("another", "one")])
    assert out.shape == (2, 3) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5)


RNG = random.Random(3)


@pytest.mark.parametrize(
    ("op", "sentence", "expected"),
    [
        (synth.negate, "Russian forces are advancing on Bakhmut.", "Russian forces are not advancing on Bakhmut."),
        (
            synth.assert_negated,
            "Russian forces were unable to secure the Boryspil airport.",
            "Russian forces secured the Boryspil airport.",
        ),
        (
            synth.assert_negated,
            "Russian forces have yet to establish full control of the city.",
            "Russian forces established full control of the city.",
        ),
        (synth.swap_nationality, "Russian sources claimed all the detainees were Tajik nationals.", "Tajik"),
        (synth.change_date, "Russian forces captured Berdyansk on February 26.", "February 26"),
        (synth.change_number, "The strike killed at least 50 civilians.", "50"),
        (synth.swap_place, "Russian forces shelled Kharkiv overnight.", "Kharkiv"),
    ],
)
def test_contradiction_transformations_change_the_fact(op, sentence, expected):
    out = op(sentence, RNG)
    assert out and out != sentence
    if expected.endswith("."):
        assert out == expected
    else:
        assert not re.search(rf"\b{expected}\b", out)  # the fact named by `expected` was changed


@pytest.mark.parametrize(
    ("op", "sentence", "must_keep"),
    [
        (
            synth.cut_clause,
            "Russian forces captured Izyum on April 1, indicating that the offensive continues.",
            "Russian forces captured Izyum on April 1.",
        ),
        (
            synth.drop_parentheses,
            "The Ministry of Defense (MoD) ordered a withdrawal.",
            "The Ministry of Defense ordered",
        ),
        (synth.front_date, "Ukrainian authorities shut down the last reactor on September 11.", "On September 11, "),
        (synth.reformat_number, "Russian forces advanced 70km west of Mariupol.", "70 k"),
    ],
)
def test_paraphrase_transformations_keep_the_fact(op, sentence, must_keep):
    out = op(sentence, random.Random(0))
    assert out and must_keep in out


def test_attribution_strip_makes_a_neutral_claim():
    out = synth.strip_attribution("Russian sources claimed that Ukrainian forces shelled the plant.", RNG)
    assert out == "Ukrainian forces shelled the plant."
    assert synth.strip_attribution("ISW assessed that Russian forces will stall.", RNG) is None


def test_added_context_keeps_speaker_and_facts_and_is_true_of_the_report_date():
    said = synth.add_context(
        "Ukrainian sources reported that Russian troops failed to take Soledar.", random.Random(0), 2022, 7, 27
    )
    assert said is not None and said.startswith("Ukrainian sources reported in ")
    assert said.endswith("that Russian troops failed to take Soledar.")
    assert re.search(r"in (late July 2022|July 2022|2022) that", said)
    # Near the edge of a third of the month, 'early' / 'mid' / 'late' is not trusted: only the month or the year.
    for seed in range(30):
        out = synth.add_context("Russian forces shelled Kharkiv overnight.", random.Random(seed), 2022, 7, 10)
        assert out and re.search(r"(R|r)ussian forces shelled Kharkiv overnight", out)
        assert not re.search(r"\b(early|mid|late)\b", out)
    # A sentence with its own date gets no 'early/late' phrase that could clash with it.
    for seed in range(30):
        out = synth.add_context("Russian forces captured Berdyansk on February 26.", random.Random(seed), 2022, 2, 27)
        assert out is None or ("February 26" in out and not re.search(r"\b(early|mid|late)\b", out))
    assert synth.add_context("Russian forces shelled Kharkiv.", random.Random(0), None, None) is None


def test_generator_is_balanced_and_deterministic():
    src = [
        synth.Source(
            [
                "Russian forces captured Berdyansk, 70km west of Mariupol, early on February 26.",
                "Ukrainian forces repelled Russian assaults near Kharkiv City on February 26.",
                "Russian sources claimed that Ukrainian forces shelled residential areas of Donetsk City.",
                "Russian forces were unable to secure the Boryspil airport southeast of Kyiv.",
            ]
            * 3,
            2022,
            2,
        )
    ]
    a, b = list(synth.generate(src, seed=5)), list(synth.generate(src, seed=5))
    assert a == b
    labels = {p.label for p in a}
    assert labels == {"entailment", "neutral", "contradiction"}
    # --context-share: the share of entailed claims that end with who said it and when; 0 never adds it.
    with_context = list(synth.generate(src, seed=5, context_share=1.0))
    assert not any("add_context" in p.kind for p in a)
    assert sum("add_context" in p.kind for p in with_context if p.label == "entailment") >= 6


def test_train_verifier_end_to_end_on_a_tiny_slice(tmp_path):
    pytest.importorskip("transformers")
    data = need_shared_data()
    lib = tmp_path / "lib.jsonl"
    lib.write_text(
        '{"id": "r", "date": "2022-03-01", "text": "Russian forces captured Berdyansk on February 26. '
        "Ukrainian forces repelled assaults near Kharkiv on March 1. Russian sources claimed that "
        'Ukrainian forces shelled Donetsk City."}\n'
    )
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "train-verifier",
            "--data",
            str(data),
            "--library",
            str(lib),
            "--work",
            str(tmp_path / "work"),
            "--limit",
            "48",
            "--eval-limit",
            "40",
            "--epochs",
            "1",
            "--batch",
            "16",
            "--checkpoint-every",
            "2",
            "--seed",
            "7",
            "--warmup-share",
            "0.5",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr[-2000:]
    assert "eta" in p.stderr  # progress with ETA
    model = tmp_path / "work" / "model"
    assert (model / "verifier.onnx").exists()
    assert (tmp_path / "work" / "trained" / "step-2" / "config.json").exists()  # 3 steps: one checkpoint between
    assert not (tmp_path / "work" / "trained" / "step-3").exists()  # the last step's weights are the model itself
    recorded = json.loads((tmp_path / "work" / "trained" / "train_result.json").read_text())["args"]
    assert (recorded["seed"], recorded["warmup_share"]) == (7, 0.5)
    scorer = load_scorer(str(model))
    assert scorer.score([("a", "b")]).shape == (1, 3)


def test_a_time_budget_shrinks_the_schedule_and_its_warm_up():
    train = pytest.importorskip("bot.training.train")
    # 4 epochs planned (5,676 steps, 340 warming up); 2 s a step and 2,000 s left after step 150 -> 1,150 steps.
    assert train.fit_to_budget(150, 5676, 340, 2.0, 2000.0) == (1150, 69)
    assert train.fit_to_budget(150, 1000, 60, 0.1, 10_000.0) == (1000, 60)  # a budget to spare changes nothing
    assert train.fit_to_budget(150, 5676, 340, 2.0, 0.0)[0] == 151  # out of time: stop at the next step
    assert train.fit_to_budget(150, 5676, 1476, 2.0, 2000.0, warmup_share=0.26) == (1150, 299)  # a longer warm-up


def test_partial_labels_sum_the_classes_they_allow():
    torch = pytest.importorskip("torch")
    train = pytest.importorskip("bot.training.train")
    logits = torch.log(torch.tensor([[2.0, 1.0, 1.0]] * 4))  # p = 0.5 / 0.25 / 0.25
    one = torch.ones(1)
    loss = [float(train.loss_fn(logits[:1], torch.tensor([y]), one)) for y in range(5)]
    # Hand-computed: -log 0.5, -log 0.25, -log 0.25, -log(0.25 + 0.25), -log(0.5 + 0.25).
    assert loss == pytest.approx([0.6931, 1.3863, 1.3863, 0.6931, 0.2877], abs=1e-4)
    weights = torch.tensor([1.0, 0.0, 0.0, 3.0])  # the mean is weighted: (1 * 0.6931 + 3 * 0.2877) / 4
    assert float(train.loss_fn(logits, torch.tensor([0, 1, 2, 4]), weights)) == pytest.approx(0.3890, abs=1e-4)


def test_layer_decay_slows_each_layer_below_the_top():
    transformers = pytest.importorskip("transformers")
    train = pytest.importorskip("bot.training.train")
    config = transformers.BertConfig(
        vocab_size=50, hidden_size=8, num_hidden_layers=3, num_attention_heads=2, intermediate_size=16, num_labels=3
    )
    model = transformers.BertForSequenceClassification(config)
    groups = train.layer_groups(model, 1e-4, 0.5)
    lr_of = {id(p): g["lr"] for g in groups for p in g["params"]}
    named = dict(model.named_parameters())
    assert len(lr_of) == len(named)  # every parameter in exactly one group
    assert lr_of[id(named["classifier.weight"])] == pytest.approx(1e-4)
    assert lr_of[id(named["bert.encoder.layer.2.output.dense.weight"])] == pytest.approx(1e-4)  # the top layer
    assert lr_of[id(named["bert.encoder.layer.1.output.dense.weight"])] == pytest.approx(5e-5)
    assert lr_of[id(named["bert.encoder.layer.0.output.dense.weight"])] == pytest.approx(2.5e-5)
    assert lr_of[id(named["bert.embeddings.word_embeddings.weight"])] == pytest.approx(1.25e-5)
    single = train.layer_groups(model, 1e-4, 1.0)  # off: one group, the recipe as before
    assert len(single) == 1 and len(single[0]["params"]) == len(named)
    for bad in (0.0, -0.5, 1.2):  # a zero or negative rate, or one that grows downwards, is refused
        with pytest.raises(ValueError):
            train.layer_groups(model, 1e-4, bad)


BAD_VALUES = (
    ["--layer-decay", "0"],
    ["--layer-decay", "1.5"],
    ["--checkpoint-every", "-1"],
    ["--warmup-share", "1"],
    ["--warmup-share", "-0.1"],
    ["--bf16", "sometimes"],
)


def test_the_command_and_the_script_share_every_training_default():
    """One configuration: the click command and the standalone script offer the same options, defaults and help."""
    pytest.importorskip("torch")
    from bot.cli import train_verifier
    from bot.training import train
    from bot.training.config import TrainConfig, from_namespace

    script = vars(train.parser().parse_args(["--data", "d", "--base", "b", "--out", "o"]))
    command = {p.name: p for p in train_verifier.params}
    options = TrainConfig.options()
    assert {f.name for f in options} == set(script) - {"data", "base", "out"}
    assert from_namespace(train.parser().parse_args(["--data", "d", "--base", "b", "--out", "o"])) == TrainConfig(
        data="d", base="b", out="o"
    )
    assert {f.name: f.default for f in options} == {f.name: script[f.name] for f in options}
    assert {f.name: f.default for f in options} == {f.name: command[f.name].default for f in options}
    assert all(command[f.name].help == f.metadata["help"] for f in options)
    # The shipped model's recipe (docs/MODEL_CARD.md): lr 8e-5, a quarter of the synthetic pairs at weight 0.5.
    assert (script["epochs"], script["batch"], script["lr"]) == (4.0, 64, 8e-5)
    assert (script["synth_fraction"], script["synth_weight"]) == (0.25, 0.5)


def test_a_bad_training_option_is_refused_by_the_command_the_script_and_the_config(tmp_path, capsys):
    pytest.importorskip("torch")
    from click.testing import CliRunner

    from bot.cli import main
    from bot.training import train
    from bot.training.config import TrainConfig

    for args in BAD_VALUES:
        result = CliRunner().invoke(main, ["train-verifier", "--data", str(tmp_path), *args])
        assert result.exit_code == 2 and f"Invalid value for '{args[0]}'" in result.output, args
        with pytest.raises(SystemExit):
            train.parser().parse_args(["--data", "d", "--base", "b", "--out", "o", *args])
        assert f"argument {args[0]}" in capsys.readouterr().err, args
        with pytest.raises(ValueError, match=args[0]):
            TrainConfig(data="d", base="b", out="o", **{args[0][2:].replace("-", "_"): _typed(args[1])})
    result = CliRunner().invoke(main, ["train-verifier", "--data", str(tmp_path), "--layer-decay", "0"])
    assert "must be in (0, 1], got 0" in result.output  # the same words on both command lines
    with pytest.raises(SystemExit):
        train.parser().parse_args(["--data", "d", "--base", "b", "--out", "o", "--layer-decay", "0"])
    assert "must be in (0, 1], got 0" in capsys.readouterr().err


def _typed(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def test_training_imports_only_torch_transformers_and_standard_library_modules():
    """train.py runs from a checkout on a borrowed GPU without installing the project: besides torch and transformers
    it may import only project modules that themselves import nothing outside the standard library."""
    import ast

    source = ast.parse((ROOT / "bot" / "training" / "train.py").read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(source) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(source) if isinstance(n, ast.ImportFrom) and n.module}
    project = {m for m in imported if m.split(".")[0] in ("bot", "index")}
    assert project == {"bot.training.config", "bot.metrics", "index.jsonl"}
    others = {m.split(".")[0] for m in imported - project} - set(sys.stdlib_module_names)
    assert others <= {"torch", "transformers"}, others
    probe = (
        f"import sys; before = set(sys.modules); import {', '.join(sorted(project))}; print(*set(sys.modules) - before)"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    outside = {m.split(".")[0] for m in loaded.stdout.split()} - set(sys.stdlib_module_names) - {"bot", "index"}
    assert not outside, f"the modules train.py takes from the project import {outside}"


@pytest.mark.parametrize("name", ["rows.jsonl", "rows.jsonl.gz"])
def test_training_data_is_read_by_the_shared_reader_plain_or_gzipped(tmp_path, name):
    import gzip

    from index.jsonl import read_jsonl

    # A line separator (U+2028) in a string, left raw by ensure_ascii=False as the recipe writes, ends no line.
    odd = "\u00fcber \u2028 \u00bbx\u00ab"
    text = '{"p": "a", "h": "b", "y": 0}\n\n  \n' + json.dumps({"p": odd, "h": "c", "y": 2}, ensure_ascii=False) + "\n"
    path = tmp_path / name
    if name.endswith(".gz"):
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")
    rows = read_jsonl(path)
    assert not isinstance(rows, list)  # rows are read as they are used, not all at once
    assert list(rows) == [{"p": "a", "h": "b", "y": 0}, {"p": odd, "h": "c", "y": 2}]


def test_bf16_autocast_is_chosen_by_device_and_setting():
    train = pytest.importorskip("bot.training.train")
    assert train.bf16_device("cpu", "off") is False
    assert train.bf16_device("cpu", "on") is True
    assert train.bf16_device("cuda", "off") is True  # a GPU always trains in bf16 autocast, as before
    assert isinstance(train.bf16_device("cpu", "auto"), bool)
    assert train.parser().parse_args(["--data", "d", "--base", "b", "--out", "o"]).bf16 == "auto"


def test_the_recipe_trains_on_the_sets_added_2026_12_03_and_no_longer_holds_them_out(tmp_path):
    from bot.training import recipe

    trained = {rel for rel, *_ in recipe.NLI_SETS}
    held = set(recipe.EVAL_SETS.values())
    assert {"3way/lingnli_train.jsonl", "3way/mnli_dev_matched_full.jsonl", "3way/fm2_dev.jsonl"} <= trained
    assert not trained & held
    # The full MNLI dev-matched set holds the matched sample: mismatched is what stays held out.
    assert "3way/mnli_dev_matched_sample1k.jsonl" not in held
    assert "3way/mnli_dev_mismatched_sample1k.jsonl" in held
    assert not any("fm2" in name or "fm2" in rel for name, rel in recipe.EVAL_SETS.items())
    # LingNLI val is held out without its rows whose premise MNLI dev-matched shares (trained on).
    folder = tmp_path / "nli" / "3way"
    folder.mkdir(parents=True)
    rows = [
        {"premise": "p1", "hypothesis": "shares a trained premise", "label": "neutral", "premise_in_mnli_dev": True},
        {"premise": "p2", "hypothesis": "held out", "label": "entailment", "premise_in_mnli_dev": False},
    ]
    (folder / "lingnli_val.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert [r["h"] for r in recipe.eval_rows(tmp_path)["lingnli_val"]] == ["held out"]
