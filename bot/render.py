"""Replies as HTML for the chat's sources panel: every piece of report text is escaped, so a report holding
``<script>`` or ``javascript:`` links is shown as inert text; links are kept only for http(s) URLs.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.reply import Citation, Reply

BADGE = {
    "SUPPORTED": ("#1a7f37", "SUPPORTED"),
    "REFUTED": ("#cf222e", "REFUTED"),
    "CONFLICTING": ("#9a6700", "CONFLICTING"),
    "NOT_ENOUGH_EVIDENCE": ("#57606a", "NOT ENOUGH EVIDENCE"),
}
STANCE_COLOUR = {"supports": "#1a7f37", "contradicts": "#cf222e", "related": "#57606a"}


def safe_url(url: str) -> str:
    return url if url.lower().startswith(("http://", "https://")) else ""


def badge(reply: Reply) -> str:
    if reply.kind == "question":
        return '<span class="cc-badge" data-verdict="ANSWER" style="background:#0969da">ANSWER</span>'
    colour, label = BADGE.get(reply.verdict or "", ("#57606a", reply.verdict or "?"))
    if reply.verdict in ("SUPPORTED", "REFUTED"):
        meaning = f"confidence {reply.confidence:.2f}"
    elif reply.verdict == "CONFLICTING":
        meaning = "sources disagree"
    else:
        meaning = "found, but inconclusive" if reply.evidence_found else "nothing found"
    return (
        f'<span class="cc-badge" data-verdict="{escape(reply.verdict or "")}" style="background:{colour}">'
        f'{escape(label)}</span> <span class="cc-conf" data-evidence-found="{str(reply.evidence_found).lower()}">'
        f"{escape(meaning)}</span>"
    )


def citation_html(i: int, c: Citation) -> str:
    url = safe_url(c.url)
    title = escape(c.title or c.report_id)
    href = escape(url, quote=True)
    link = f'<a href="{href}" target="_blank" rel="noopener noreferrer">{title}</a>' if url else title
    before, after = "", ""
    if c.context and c.quote in c.context:
        k = c.context.index(c.quote)
        before, after = c.context[:k][-240:], c.context[k + len(c.quote) :][:240]
    colour = STANCE_COLOUR.get(c.stance, "#57606a")
    differences = (
        f'<div class="cc-diff">differs from the claim: {escape("; ".join(c.mismatches))}</div>' if c.mismatches else ""
    )
    return (
        f'<div class="cc-cite" data-date="{escape(c.date or "")}" data-stance="{escape(c.stance)}">'
        f'<div><b>[{i}]</b> <span style="color:{colour};font-weight:600">{escape(c.stance)}</span> · '
        f'<span class="cc-date">{escape(c.date or "undated")}</span> · {link} · {escape(c.source)}</div>'
        f'<div class="cc-quote">…{escape(before)}<mark>{escape(c.quote)}</mark>{escape(after)}…</div>'
        f'<div class="cc-who">said by: {escape(c.attribution)}</div>{differences}</div>'
    )


def timeline_svg(cites: list[Citation]) -> str:
    """Supporting (green, up) and contradicting (red, down) marks on a date axis, when evidence spans dates."""
    marks = [(date.fromisoformat(c.date), c.stance) for c in cites if c.date and c.stance != "related"]
    if len({d for d, _ in marks}) < 2:
        return ""
    lo, hi = min(d for d, _ in marks), max(d for d, _ in marks)
    span = max(1, (hi - lo).days)
    w = 560
    ticks = []
    for d, stance in marks:
        x = 20 + (w - 40) * (d - lo).days / span
        y, colour = (12, "#1a7f37") if stance == "supports" else (42, "#cf222e")
        ticks.append(
            f'<circle cx="{x:.1f}" cy="{y}" r="6" fill="{colour}"><title>{d.isoformat()} {stance}</title></circle>'
        )
    return (
        f'<svg class="cc-timeline" width="{w}" height="70" role="img" aria-label="evidence timeline">'
        f'<line x1="20" y1="27" x2="{w - 20}" y2="27" stroke="#8c959f"/>'
        + "".join(ticks)
        + f'<text x="20" y="66" font-size="11">{lo.isoformat()}</text>'
        f'<text x="{w - 90}" y="66" font-size="11">{hi.isoformat()}</text></svg>'
    )


def sources_html(reply: Reply) -> str:
    parts = [f'<div class="cc-reply">{badge(reply)}', f'<p class="cc-claim">{escape(reply.claim)}</p>']
    if reply.subclaims:
        parts.append(
            '<div class="cc-subclaims"><b>Checked as separate claims</b><ul>'
            + "".join(f"<li>{escape(s['claim'])}: <b>{escape(str(s['verdict']))}</b></li>" for s in reply.subclaims)
            + "</ul></div>"
        )
    if reply.answer_source == "llm":
        parts.append(
            '<p class="cc-note">Answer written by the configured LLM from the cited passages and checked '
            "against them.</p>"
        )
    timeline = timeline_svg(reply.citations)
    if timeline:
        parts.append("<div><b>Evidence over time</b></div>" + timeline)
    if not reply.citations:
        parts.append("<p>No passage in the library speaks to this.</p>")
    parts += [citation_html(i, c) for i, c in enumerate(reply.citations, 1)]
    parts += [f'<p class="cc-note">note: {escape(n)}</p>' for n in reply.notes]
    parts.append("</div>")
    return "".join(parts)


def chat_text(reply: Reply) -> str:
    """The chat bubble: the answer with every character of report text escaped (the Chatbot renders HTML)."""
    return escape(reply.answer).replace("\n", "<br>")
