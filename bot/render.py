"""Replies as HTML for the chat's sources panel: every piece of report text is escaped, so a report holding
``<script>`` or ``javascript:`` links is shown as inert text; links are kept only for http(s) URLs.
"""

from __future__ import annotations

from datetime import date
from html import escape

from bot.reply import Citation, Reply, status_line

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


TIMELINE_W = 560
_LANES = [("supports", "#1a7f37"), ("related", "#8c959f"), ("contradicts", "#cf222e")]


def timeline_svg(cites: list[Citation]) -> str:
    """Every dated citation as a mark on a date axis, in a lane by stance (supports, related, contradicts).

    Marks on the same or close dates are stacked in their lane, never drawn over each other, so four dated sources
    are four marks. The drawing scales to its column (viewBox) and its date labels are anchored inside it.
    """
    marks = []
    for c in cites:
        try:
            marks.append((date.fromisoformat(c.date or ""), c.stance))
        except ValueError:
            continue
    if len(marks) < 2:
        return ""
    lo, hi = min(d for d, _ in marks), max(d for d, _ in marks)
    left, right, r = 84, TIMELINE_W - 16, 6

    def x_of(d: date) -> float:
        return (left + right) / 2 if hi == lo else left + (right - left) * (d - lo).days / (hi - lo).days

    parts, y = [], 4
    for stance, colour in _LANES:
        lane = sorted((x_of(d), d) for d, s in marks if s == stance)
        if not lane:
            continue
        rows: list[float] = []  # the last x placed in each stacked row of this lane
        placed = []
        for x, d in lane:
            k = next((i for i, last in enumerate(rows) if x - last >= 2 * r + 1), len(rows))
            if k == len(rows):
                rows.append(x)
            else:
                rows[k] = x
            placed.append((x, y + r + 1 + k * (2 * r + 2), d))
        parts.append(
            f'<text x="0" y="{y + r + 5}" font-size="11" fill="{colour}">{stance}</text>'
            + "".join(
                f'<circle class="cc-mark" data-date="{d.isoformat()}" data-stance="{stance}" cx="{cx:.1f}" '
                f'cy="{cy}" r="{r}" fill="{colour}"><title>{d.isoformat()} {stance}</title></circle>'
                for cx, cy, d in placed
            )
        )
        y += len(rows) * (2 * r + 2) + 6
    axis = y + 2
    ticks = "".join(
        f'<line x1="{x_of(d):.1f}" y1="{axis - 3}" x2="{x_of(d):.1f}" y2="{axis + 3}" stroke="#57606a"/>'
        for d in sorted({d for d, _ in marks})
    )
    if hi == lo:
        labels = f'<text x="{(left + right) / 2}" y="{axis + 16}" font-size="11" text-anchor="middle">{lo}</text>'
    else:
        labels = (
            f'<text x="{left}" y="{axis + 16}" font-size="11" text-anchor="start">{lo.isoformat()}</text>'
            f'<text x="{right}" y="{axis + 16}" font-size="11" text-anchor="end">{hi.isoformat()}</text>'
        )
    height = axis + 22
    return (
        f'<svg class="cc-timeline" viewBox="0 0 {TIMELINE_W} {height}" width="100%" '
        f'style="max-width:{TIMELINE_W}px;display:block" role="img" aria-label="evidence timeline">'
        + "".join(parts)
        + f'<line x1="{left}" y1="{axis}" x2="{right}" y2="{axis}" stroke="#8c959f"/>{ticks}{labels}</svg>'
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


def user_text(message: str) -> str:
    """The user's own message as the chat shows it: verbatim text, never markup (the Chatbot renders HTML)."""
    return escape(message).replace("\n", "<br>")


def shorten(text: str, limit: int = 200) -> str:
    """``text`` cut at a word boundary before ``limit`` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def chat_text(reply: Reply) -> str:
    """The chat bubble: the verdict line and a short answer, the top quote shortened; the sources panel beside it
    quotes every passage in context, so the bubble does not repeat it. Every character of report text is escaped
    (the Chatbot renders HTML). An LLM's answer (already checked against the citations) is shown whole."""
    if reply.answer_source == "llm":
        caution = [escape(reply.caution)] if reply.caution else []
        return "<br>".join([escape(reply.answer).replace("\n", "<br>"), *caution])
    lines = [status_line(reply.kind, reply.verdict, reply.confidence, reply.evidence_found)]
    if reply.citations:
        c = reply.citations[0]
        lines.append(f"[1] “{shorten(' '.join(c.quote.split()))}” — {c.attribution}, {c.date or 'undated'}")
        n = len(reply.citations)
        lines.append(
            f"Sources: {n} passages, each quoted in context in the sources panel."
            if n > 1
            else "Source: quoted in context in the sources panel."
        )
    return "<br>".join(escape(line) for line in lines)
