"""One exported encoder run on one tokenised sequence at a time, and the export that writes what it runs.

Two models answer with it: the shipped verifier (a text pair -> logits, ``bot.nli.scorer``) and the query encoder (a
query -> its embedding, ``index.query_encoder``). Both take ``input_ids``, ``attention_mask`` and ``token_type_ids``
with batch and sequence axes free, and both run one sequence per run, with no padding.

Why one sequence per run: the verifier is int8 with dynamic quantisation, which sets one activation scale per input
tensor, so in a batch a pair's probabilities moved with its batch-mates (by up to 0.35, 2026-11-29, docs/MODEL_CARD.md
*Model*); alone, a text always gets the same numbers, and with no padding to compute it is also faster on CPU. A query
is one text anyway. Why here: ``index/`` holds the query encoder and never imports ``bot/``, which imports this.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import torch
    from tokenizers import Encoding

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class SequenceRunner:
    """A tokenizer and an onnxruntime session (CPU, one inter-op thread, no spinning) that run one text or text pair
    per call and return one named output's row.

    ``threads`` sets the intra-op threads: the verifier runs pairs in parallel on one thread each; None leaves
    onnxruntime's default (all cores), right for one query at a time. Idle pool threads do not spin, so they leave
    the cores to the next model.
    """

    def __init__(self, model: Path, tokenizer: Path, max_length: int, output: str, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(tokenizer))
        self.tokenizer.enable_truncation(max_length, strategy="longest_first")
        self.tokenizer.no_padding()
        opts = ort.SessionOptions()
        opts.inter_op_num_threads = 1
        if threads:
            opts.intra_op_num_threads = threads
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(model), opts, providers=["CPUExecutionProvider"])
        if output not in {o.name for o in self.session.get_outputs()}:
            raise ValueError(f"{model} has no output named {output!r}")
        self._output = output
        present = {i.name for i in self.session.get_inputs()}
        self._inputs = [name for name in INPUTS if name in present]  # an encoder may take no token types
        self._lock = threading.Lock()  # the tokenizer's truncation settings are shared state

    def encode(self, items: Sequence[str | tuple[str, str]]) -> list[Encoding]:
        """Texts or (first, second) pairs, tokenised and truncated (pairs longest first)."""
        with self._lock:
            return self.tokenizer.encode_batch(list(items))

    def run(self, enc: Encoding) -> np.ndarray:
        """The output's row for one sequence (safe to call from several threads at once)."""
        ids = np.asarray([enc.ids], dtype=np.int64)
        feeds = {
            "input_ids": ids,
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.asarray([enc.type_ids], dtype=np.int64),
        }
        return self.session.run([self._output], {name: feeds[name] for name in self._inputs})[0][0]


def export_onnx(
    module: torch.nn.Module, example: Mapping[str, torch.Tensor], path: Path, output: str, opset: int = 17
) -> None:
    """Trace ``module(input_ids, attention_mask, token_type_ids)`` on a tokenizer's ``example`` into an fp32 ONNX
    file that ``SequenceRunner`` runs: those three inputs (zero token types where the tokenizer gives none) and one
    output, ``output``, with the batch and sequence axes free."""
    import torch

    args = tuple(example[n] if n in example else torch.zeros_like(example["input_ids"]) for n in INPUTS)
    with warnings.catch_warnings():  # the tracer's notes on branches it fixed for the example's shapes
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            args,
            str(path),
            input_names=list(INPUTS),
            output_names=[output],
            opset_version=opset,
            dynamo=False,
            dynamic_axes={n: {0: "batch", 1: "seq"} for n in INPUTS} | {output: {0: "batch"}},
        )
