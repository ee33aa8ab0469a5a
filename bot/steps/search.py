"""Step two: the evidence. Hybrid retrieval — dense (Chroma) + keywords (bm25s), fused by reciprocal rank — with date
filters, a nudge towards the period the claim is about, and a cap on passages per report so the evidence is diverse;
then the texts and records of the reports the passages come from, read once.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from bot.trace import Evidence, Hit, Plan, Query
from index.search import PassageSearch
from index.store import ReportInfo


class Library(PassageSearch, Protocol):
    """Retrieval plus the report texts and records that citations are cut from."""

    def report_text(self, report_id: str) -> str: ...

    def report_info(self, report_id: str) -> ReportInfo | None: ...


def search(plan: Plan, vector: np.ndarray, library: Library) -> Evidence:
    """The passages for ``plan`` and their reports. ``vector``: the query's texts (``Query.texts``) embedded once by
    the caller, one row each (a single vector: the text alone, its rewrites searched by keywords only)."""
    hits = tuple(retrieve(library, plan.query, vector))
    ids = {h.report_id for h in hits}
    return Evidence(
        hits,
        texts={rid: library.report_text(rid) for rid in ids},
        reports={rid: library.report_info(rid) for rid in ids},
    )


RRF_K = 60


def _window(query: Query) -> tuple[int, int] | None:
    """The preferred period within the date filters, or None when there is none (or it is the whole filter)."""
    if not query.prefer[0]:
        return None
    lo = max(query.prefer[0], query.date_from)
    hi = min(query.prefer[1], query.date_to) if query.date_to else query.prefer[1]
    if lo > hi or (lo, hi) == (query.date_from, query.date_to):
        return None
    return lo, hi


def retrieve(store: PassageSearch, query: Query, vector: np.ndarray) -> list[Hit]:
    """Top passages for ``query``; ``vector`` is its embedding, or one row per text of ``query.texts``.

    A question's rewrites (``Query.rewrites``) are searched like its own text, dense and keywords, in every range, and
    all the ranked lists are fused alike: a passage that states the answer ("Surovikin, the new commander of …") ranks
    high for a rewrite though the question's wording ("Who commanded …?") misses it.
    """
    ranges = [(query.date_from, query.date_to)]
    window = _window(query)
    if window:
        # The claim names its period: search it on its own too, or a topic the reports cover every day (assaults
        # near Avdiivka) fills the library-wide candidates with other days and the day the claim names never
        # reaches the verifier.
        ranges.append(window)
    vectors = np.atleast_2d(vector)
    fused: dict[str, float] = {}
    dense_score: dict[str, float] = {}
    keyword_score: dict[str, float] = {}
    for date_from, date_to in ranges:
        for i, text in enumerate(query.texts):
            dense = store.dense_search(vectors[i], query.candidates, date_from, date_to) if i < len(vectors) else []
            keyword = store.keyword_search(text, query.candidates, date_from, date_to)
            for scores, ranked in ((dense_score, dense), (keyword_score, keyword)):
                for rank, (pid, value) in enumerate(ranked):
                    scores[pid] = max(scores.get(pid, value), value)  # the best reading of any of the texts
                    fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    hits = []
    for pid, score in fused.items():
        info = store.passage_info(pid)
        if info is None:
            continue
        if query.prefer[0] and query.prefer[0] <= info.date_int <= query.prefer[1]:
            score *= 1.15
        hits.append(
            Hit(
                pid,
                info.report_id,
                info.start,
                info.end,
                info.date_int,
                score,
                dense_score.get(pid, 0.0),
                keyword_score.get(pid, 0.0),
            )
        )
    hits.sort(key=lambda h: -h.score)
    per_report: dict[str, int] = {}
    out = []
    for h in hits:
        if per_report.get(h.report_id, 0) >= query.max_per_report:
            continue
        per_report[h.report_id] = per_report.get(h.report_id, 0) + 1
        out.append(h)
        if len(out) >= query.top_k:
            break
    return out
