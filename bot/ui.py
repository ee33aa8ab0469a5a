"""The chat window (Gradio, mounted at /), over the same engine as the API.

The chat streams its progress, then shows the verdict badge, the answer and a sources panel (quote in context, title,
date, source, link, stance, speaker) with an evidence timeline. Follow-ups such as "and as of June 2022?" reuse the
last claim. Thumbs up/down go to feedback.jsonl. ``api_name="verify"`` returns the same JSON as POST /api/verify.
"""

from __future__ import annotations

import json
import re
import threading
import time
from html import escape

import gradio as gr
from fastapi import FastAPI

from bot.engine import Engine
from bot.llm import Token
from bot.render import chat_text, sources_html, user_text
from bot.reply import Reply
from bot.request import InputError
from bot.text.claim_dates import YEAR
from bot.text.lexicon import MONTH_PATTERN

# A claim the seed library decides (SUPPORTED), so the first thing a new user tries works.
PLACEHOLDER_CLAIM = "Russian President Vladimir Putin signed a law on 23 March 2024"

CSS = """
.cc-badge{color:#fff;padding:3px 10px;border-radius:12px;font-weight:700;letter-spacing:.03em}
.cc-cite{border-left:3px solid #d0d7de;padding:6px 10px;margin:8px 0}
.cc-quote{margin:4px 0;font-size:.95em} .cc-who,.cc-note{color:#57606a;font-size:.85em}
.cc-diff{color:#9a6700;font-size:.85em}
"""


def build_ui(engine: Engine) -> gr.Blocks:
    feedback_lock = threading.Lock()
    examples = _examples(engine)

    def respond(message: str, history: list, as_of: str, date_from: str, date_to: str, state: dict):
        state = dict(state or {})
        history = list(history or [])
        history.append({"role": "user", "content": user_text(message or "")})
        history.append({"role": "assistant", "content": "Searching the library…"})
        yield history, gr.update(), state, ""
        try:
            reply, written = None, ""
            for step in engine.stream_check(
                message or "",
                as_of=as_of or None,
                date_from=date_from or None,
                date_to=date_to or None,
                previous_claim=state.get("last_claim"),
            ):
                if isinstance(step, Reply):
                    reply = step
                    continue
                if isinstance(step, Token):
                    written += step
                    step = written
                history[-1] = {"role": "assistant", "content": escape(step)}
                yield history, gr.update(), state, ""
        except InputError as exc:
            history[-1] = {"role": "assistant", "content": f"⚠ {escape(str(exc))}"}  # it may quote the input
            yield history, gr.update(), state, ""
            return
        assert reply is not None
        state["last_claim"] = reply.claim if reply.kind == "claim" else state.get("last_claim")
        state.setdefault("replies", {})[str(len(history) - 1)] = reply.model_dump(mode="json")
        history[-1] = {"role": "assistant", "content": chat_text(reply)}
        yield history, sources_html(reply), state, ""

    def verify_json(
        claim: str,
        as_of: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        top_k: float | None = None,
    ) -> dict:
        """The claim alone is enough: a parameter whose default is None is optional for gradio_client."""
        try:
            reply = engine.check(
                claim,
                as_of=as_of or None,
                date_from=date_from or None,
                date_to=date_to or None,
                top_k=int(top_k) if top_k else None,
            )
        except InputError as exc:
            raise gr.Error(str(exc)) from None
        return reply.model_dump(mode="json")

    def feedback(data: gr.LikeData, state: dict) -> None:
        reply = (state or {}).get("replies", {}).get(str(data.index[0] if isinstance(data.index, list) else data.index))
        row = {
            "time": time.time(),
            "liked": data.liked,
            "claim": reply["claim"] if reply else None,
            "verdict": reply["verdict"] if reply else None,
            "citations": reply["citations"] if reply else [],
            "message": data.value,
        }
        path = engine.settings.feedback_path
        path.parent.mkdir(parents=True, exist_ok=True)
        with feedback_lock, open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")

    with gr.Blocks(title="claimcheck") as demo:
        gr.Markdown("## claimcheck\nPaste a claim or ask a question. Every verdict cites verbatim, dated passages.")
        state = gr.State({})
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    label="claimcheck",
                    height=420,
                    render_markdown=False,
                    sanitize_html=True,
                    autoscroll=False,  # SCROLL_JS keeps the question and the start of its answer in view
                    elem_id="cc-chat",
                )
                box = gr.Textbox(
                    placeholder=f"e.g. {PLACEHOLDER_CLAIM}",
                    show_label=False,
                    elem_id="cc-input",
                    submit_btn=True,
                )
                gr.Examples(examples=[[e] for e in examples], inputs=[box], label="Examples from the library")
            with gr.Column(scale=2):
                with gr.Row():
                    as_of = gr.Textbox(label="as of", placeholder="YYYY-MM-DD", elem_id="cc-as-of")
                    date_from = gr.Textbox(label="from", placeholder="YYYY-MM-DD", elem_id="cc-from")
                    date_to = gr.Textbox(label="to", placeholder="YYYY-MM-DD", elem_id="cc-to")
                sources = gr.HTML("<p>Sources appear here.</p>", elem_id="cc-sources")
        box.submit(
            respond,
            [box, chat, as_of, date_from, date_to, state],
            [chat, sources, state, box],
            api_visibility="private",
        )
        chat.like(feedback, [state], None, api_visibility="private")
        with gr.Row(visible=False):
            api_claim, api_as_of, api_from, api_to = gr.Textbox(), gr.Textbox(), gr.Textbox(), gr.Textbox()
            api_top_k = gr.Number(value=None)
            api_out = gr.JSON()
            api_btn = gr.Button()
        api_btn.click(verify_json, [api_claim, api_as_of, api_from, api_to, api_top_k], api_out, api_name="verify")
    demo.queue(default_concurrency_limit=engine.settings.concurrency)
    return demo


def _examples(engine: Engine, count: int = 4) -> list[str]:
    """Claims a user can try that the library speaks to: checkable sentences of the newest reports, one per report
    in turn (a second from each when there are fewer reports than ``count``)."""
    from index.sentences import split_sentences

    per_report = []
    for info in reversed(engine.store.reports()[-count:]):
        sents = split_sentences(engine.store.report_text(info.id)[:4000])
        per_report.append([c for c in map(checkable_claim, sents) if c])
    out: list[str] = []
    for rank in range(count):
        out += [claims[rank] for claims in per_report if len(claims) > rank]
    return out[:count] or [FALLBACK_EXAMPLE]


FALLBACK_EXAMPLE = "ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"
_DATE = re.compile(rf"\b(?:{MONTH_PATTERN})\b|{YEAR.pattern}")
_ENDNOTE = re.compile(r"\s*\[\d+\]\s*")
_HEADER = re.compile(r"^[A-Z][\w ]{0,24}:\s")  # "Source: ISW", "Details: ...", "Note: ..."
_NOT_CONTENT = re.compile(
    r"https?://|www\.|\.(?:com|org|net)\b|click here|\bmaps?\b|\b(?:this|the) (?:report|update)\b|\btoday\b"
    r"|\d{1,2}:\d\d|[<>{}|*#]",
    re.IGNORECASE,
)
# A sentence opening with one of these leans on the one before it ("They have been less successful so far.").
_LEANS_BACK = re.compile(
    r"^(?:This|These|That|Those|It|Its|They|Their|He|His|She|Her|Such|Also|And|But|Furthermore|However|Moreover"
    r"|Additionally|Meanwhile|Nevertheless|Still|Instead)\b"
    r"|\b(?:these|those|also|the same)\b"  # or anywhere ("these attacks", "Skibitsky also reiterated")
)
# A finite verb: an auxiliary, a common irregular past, or a regular past ("captured", "reported").
_VERB = re.compile(
    r"(?:is|are|was|were|has|have|had|will|would|may|might|can|could|did|does|do|must|should|said|says|began|took"
    r"|made|hit|struck|shot|fell|left|led|sent|won|lost|met|held|fought|seized|told|gave|went|came|ran|saw|became"
    r"|built|brought|caught|set|put|cut|kept|chose|drove|flew|rose|stood|threw|withdrew|broke|spoke|wrote|sought"
    r"|[a-z]{3,}ed)"
)


def checkable_claim(sentence: str) -> str | None:
    """``sentence`` as a claim a user could check (endnote markers dropped), or None when it is not one.

    A claim states an event: it has a verb, a date or a named place or actor besides its first word, and a length
    one can read at a glance. Report furniture is not one: a byline ("Karolina Hird, Riley Bailey, and …"), a
    title, a dateline, a "Source:" header, a map note, a link, a sentence that leans on the one before it.
    """
    text = _ENDNOTE.sub(" ", sentence).strip()
    if not 40 <= len(text) <= 220 or text.endswith((":", "?")) or "\n" in text:
        return None
    if _HEADER.match(text) or _NOT_CONTENT.search(text) or _LEANS_BACK.search(text):
        return None
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    lower = [w for w in words if w[0].islower()]
    if len(lower) < 4 or len(lower) < len(words) / 3:  # names, titles and bylines are mostly capitalised
        return None
    if not any(_VERB.fullmatch(w) for w in lower):
        return None
    if not (_DATE.search(text) or any(w[0].isupper() and w != "I" for w in words[1:])):
        return None
    return text


# After each new message, scroll the chat so the user's last message is at the top (below the chat's label, 40 px)
# and the answer starts under it: the Chatbot's own autoscroll goes to the bottom, which cuts off both when an answer
# is taller than the column.
# Only a change of the last message scrolls, so reading back through the history is never interrupted.
SCROLL_JS = """
<script>
(function () {
  var seen = "";
  function scroller(el) {
    for (var e = el.parentElement; e; e = e.parentElement) {
      var o = getComputedStyle(e).overflowY;
      if ((o === "auto" || o === "scroll") && e.scrollHeight > e.clientHeight) { return e; }
    }
    return null;
  }
  function follow() {
    var rows = document.querySelectorAll("#cc-chat .message-row");
    var users = document.querySelectorAll("#cc-chat .message-row.user-row");
    if (!users.length) { return; }
    var last = rows[rows.length - 1];
    var key = rows.length + ":" + last.textContent.length;
    if (key === seen) { return; }
    seen = key;
    var user = users[users.length - 1], box = scroller(user);
    if (box) { box.scrollTop += user.getBoundingClientRect().top - box.getBoundingClientRect().top - 40; }
  }
  var pending = false;
  new MutationObserver(function () {
    if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; follow(); }); }
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
</script>
"""


def mount_ui(app: FastAPI, engine: Engine) -> None:
    gr.mount_gradio_app(app, build_ui(engine), path="/", css=CSS, head=SCROLL_JS, footer_links=["api"])
