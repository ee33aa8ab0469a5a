"""The reply object every door returns, and the extractive answer text.

Why checked here: a citation is built only from a retrieved candidate, and its quote is re-sliced from the stored
report text and compared before the reply leaves; a mismatch drops the citation and says so in ``notes``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from bot.verify import CONFLICTING, NOT_ENOUGH, REFUTED, SUPPORTED, Candidate, Decision


class Citation(BaseModel):
    report_id: str
    title: str
    date: str | None
    url: str
    source: str
    quote: str = Field(description="verbatim: equals the report text[start:end]")
    start: int
    end: int
    score: float = Field(description="probability of the stance (or relevance for questions)")
    stance: str = Field(description="supports | contradicts | related")
    attribution: str = Field(description="who the sentence says made the statement")
    context: str = Field("", description="the passage around the quote")
    mismatches: list[str] = Field(
        default_factory=list,
        description="differences spotted between this sentence and the claim "
        "(negation, number, date, direction, nationality, opposite wording)",
    )


class Reply(BaseModel):
    claim: str
    kind: str = Field(description="claim | question")
    verdict: str | None = Field(
        description="SUPPORTED | REFUTED | CONFLICTING | NOT_ENOUGH_EVIDENCE; null for a question"
    )
    confidence: float
    answer: str
    citations: list[Citation]
    filters: dict = Field(default_factory=dict, description="date filters applied (given or read from the claim)")
    notes: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")
    model: dict[str, str] = Field(default_factory=dict)
    answer_source: str = Field("extractive", description="extractive | llm (validated)")
    subclaims: list[dict] = Field(default_factory=list, description="atomic claims and their verdicts (LLM path)")


LABEL_TEXT = {
    SUPPORTED: "Supported",
    REFUTED: "Refuted",
    CONFLICTING: "Conflicting evidence",
    NOT_ENOUGH: "Not enough evidence",
}


# A claim's "related" citations must share at least this share of the best candidate's overlap with the claim.
RELATED_MIN_RATIO = 0.6


def citations_for(
    decision: Decision | None, related: list[Candidate], kind: str, limit: int = 5
) -> list[tuple[Candidate, str, float]]:
    """Which candidates to cite, with stance and score.

    The strongest supporting and the strongest contradicting sentence come first (the evidence the verdict rests
    on), then the candidates closest to the claim in wording, each still marked with its stance: a reader should see
    the passage that talks about exactly the claim's subject even when the verifier scored another one higher.
    For a claim, a related sentence much further from its wording than the closest one (``RELATED_MIN_RATIO``) is
    left out: such sentences were mostly from neighbouring reports about other events (BENCHMARKS.md, citations).
    """
    chosen: list[tuple[Candidate, str, float]] = []
    if kind == "claim" and related:
        best = max(c.overlap for c in related)
        related = [c for c in related if c.overlap >= RELATED_MIN_RATIO * best]
    stance_of: dict[int, tuple[str, float]] = {}
    if decision is not None:
        stance_of.update({id(c): ("supports", c.entail) for c in decision.support})
        stance_of.update({id(c): ("contradicts", c.contradict) for c in decision.refute})
        chosen += [(c, "supports", c.entail) for c in decision.support[:1]]
        chosen += [(c, "contradicts", c.contradict) for c in decision.refute[:1]]
    for c in related:
        if len(chosen) >= 2 * limit:
            break
        default = ("related", round(c.overlap, 4) if kind == "question" else c.entail)
        chosen.append((c, *stance_of.get(id(c), default)))
    out, seen = [], set()
    for c, stance, s in chosen:
        key = (c.report_id, c.start, c.end)
        if key in seen or any(_nested(c, o) for o, _, _ in out):
            continue
        seen.add(key)
        out.append((c, stance, s))
    return out[:limit]


def _nested(a: Candidate, b: Candidate) -> bool:
    if a.report_id != b.report_id:
        return False
    return (a.start >= b.start and a.end <= b.end) or (b.start >= a.start and b.end <= a.end)


def answer_text(kind: str, verdict: str | None, confidence: float, cites: list[Citation]) -> str:
    """A short extractive answer: the verdict and the quotes it rests on, with who said them and when."""
    if not cites:
        return (
            "No passage in the library speaks to this."
            if kind == "question"
            else "Not enough evidence: no passage in the library speaks to this claim."
        )
    lines = []
    if kind == "question":
        lines.append("The most relevant passages in the library:")
    else:
        lines.append(f"{LABEL_TEXT[verdict or NOT_ENOUGH]} (confidence {confidence:.2f}).")
    for i, c in enumerate(cites[:3], 1):
        when = c.date or "undated"
        lines.append(f"[{i}] {c.attribution} ({when}, {c.source or c.title}): “{c.quote}” — {c.stance}")
    return "\n".join(lines)
