"""The reply every door returns (CLI, HTTP, chat, widget, Python), and its extractive answer text.

Why one pydantic model: the API's response schema, the CLI's ``--json`` and the chat's JSON endpoint are all this
model dumped, so the three ways in can never drift apart.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, computed_field

from bot.labels import Kind, Stance, Verdict


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
    stance: Stance = Field(description="supports | contradicts | related")
    attribution: str = Field(description="who the sentence says made the statement")
    context: str = Field("", description="the passage around the quote")
    mismatches: list[str] = Field(
        default_factory=list,
        description="differences spotted between this sentence and the claim "
        "(negation, number, date, direction, nationality, opposite wording)",
    )


class Reply(BaseModel):
    claim: str
    kind: Kind = Field(description="claim | question")
    verdict: Verdict | None = Field(
        description="SUPPORTED | REFUTED | CONFLICTING | NOT_ENOUGH_EVIDENCE; null for a question"
    )
    confidence: float = Field(
        description="for SUPPORTED / REFUTED: the calibrated probability that the verdict is right; otherwise how "
        "sure the reader is that the library does not decide the claim (not shown to users)"
    )
    evidence_found: bool = Field(
        False, description="passages about the claim were found (with NOT_ENOUGH_EVIDENCE: found, but none decides)"
    )
    lean: Verdict | None = Field(
        None,
        description="with NOT_ENOUGH_EVIDENCE: the verdict the evidence leans towards without reaching the confidence "
        "a verdict needs",
    )
    lean_probability: float = Field(0.0, description="the calibrated probability of the lean")
    answer: str
    citations: list[Citation]
    filters: dict = Field(default_factory=dict, description="date filters applied (given or read from the claim)")
    notes: list[str] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict, description="milliseconds per stage")
    model: dict[str, str] = Field(default_factory=dict)
    answer_source: str = Field("extractive", description="extractive | llm (validated)")
    subclaims: list[dict] = Field(default_factory=list, description="atomic claims and their verdicts (LLM path)")

    @computed_field(description="with SUPPORTED: what to check in the quote yourself, because the verifier cannot")
    @property
    def caution(self) -> str:
        """Derived from the verdict, so a reply whose verdict is changed (a compound claim's) can never keep a stale
        one."""
        return caution_for(self.verdict)


LABEL_TEXT = {
    Verdict.SUPPORTED: "Supported",
    Verdict.REFUTED: "Refuted",
    Verdict.CONFLICTING: "Conflicting evidence",
    Verdict.NOT_ENOUGH_EVIDENCE: "Not enough evidence",
}


PAIRING_CAUTION = "Check the quote: the verifier cannot tell which number, place or person goes with which."


def caution_for(verdict: str | None) -> str:
    """The reply's ``caution``: ``PAIRING_CAUTION`` with SUPPORTED (``status_line`` says why), else nothing."""
    return PAIRING_CAUTION if verdict == Verdict.SUPPORTED else ""


def status_line(kind: str, verdict: str | None, confidence: float, evidence_found: bool) -> str:
    """What the verdict means, in words a reader can rely on: a confidence only where there is a decisive verdict.

    The lean of an undecided claim is left out here on purpose: it is right only as often as its probability says,
    which is too rarely to print beside "not enough evidence" (it stays in the API's ``lean`` for scripts).

    SUPPORTED carries a caution (``PAIRING_CAUTION``): the verifier cannot tell which number, place or person of its
    sentence goes with which, so a claim that swaps two of them is SUPPORTED as readily as the sentence's own pairing
    (held-out sets 19 and 20, drawn on sentences that bind two slots: SUPPORTED right 13 times in 27)."""
    if kind == Kind.QUESTION:
        return "The passages that answer it best:" if evidence_found else "No passage in the library speaks to this."
    if verdict == Verdict.SUPPORTED:
        return f"{LABEL_TEXT[verdict]} (confidence {confidence:.2f}). {caution_for(verdict)}"
    if verdict == Verdict.REFUTED:
        return f"{LABEL_TEXT[verdict]} (confidence {confidence:.2f})."
    if verdict == Verdict.CONFLICTING:
        return "Conflicting evidence: credible passages point both ways."
    if evidence_found:
        return "Not enough evidence: related passages were found, but none decides the claim. The closest:"
    return "Not enough evidence: no passage in the library speaks to this claim."


def answer_text(kind: str, verdict: str | None, confidence: float, cites: list[Citation]) -> str:
    """A short extractive answer: what the verdict means, then the quotes it rests on, with who said them and when."""
    lines = [status_line(kind, verdict, confidence, bool(cites))]
    for i, c in enumerate(cites[:3], 1):
        when = c.date or "undated"
        lines.append(f"[{i}] {c.attribution} ({when}, {c.source or c.title}): “{c.quote}” — {c.stance}")
    return "\n".join(lines)
