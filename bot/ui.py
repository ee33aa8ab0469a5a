"""The chat window (Gradio, mounted at /), over the same engine as the API.

The chat streams its progress, then shows the verdict badge, the answer and a sources panel (quote in context, title,
date, source, link, stance, speaker) with an evidence timeline. Follow-ups such as "and as of June 2022?" reuse the
last claim. Thumbs up/down go to feedback.jsonl. ``api_name="verify"`` returns the same JSON as POST /api/verify.
"""

from __future__ import annotations

import json
import threading
import time
from html import escape

import gradio as gr
from fastapi import FastAPI

from bot.engine import Engine
from bot.llm import Token
from bot.render import chat_text, sources_html
from bot.reply import Reply
from bot.request import InputError

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
        history.append({"role": "user", "content": message or ""})
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
            history[-1] = {"role": "assistant", "content": f"⚠ {exc}"}
            yield history, gr.update(), state, ""
            return
        assert reply is not None
        state["last_claim"] = reply.claim if reply.kind == "claim" else state.get("last_claim")
        state.setdefault("replies", {})[str(len(history) - 1)] = reply.model_dump(mode="json")
        history[-1] = {"role": "assistant", "content": chat_text(reply)}
        yield history, sources_html(reply), state, ""

    def verify_json(
        claim: str, as_of: str = "", date_from: str = "", date_to: str = "", top_k: float | None = None
    ) -> dict:
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
                    label="claimcheck", height=420, render_markdown=False, sanitize_html=True, elem_id="cc-chat"
                )
                box = gr.Textbox(
                    placeholder="e.g. Russian forces captured Berdyansk on February 26, 2022",
                    show_label=False,
                    elem_id="cc-input",
                    submit_btn=True,
                )
                gr.Examples(examples=[[e] for e in examples], inputs=[box], label="Examples from the library")
            with gr.Column(scale=2):
                with gr.Row():
                    as_of = gr.Textbox(label="as of (YYYY-MM-DD)", elem_id="cc-as-of")
                    date_from = gr.Textbox(label="from", elem_id="cc-from")
                    date_to = gr.Textbox(label="to", elem_id="cc-to")
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


def _examples(engine: Engine) -> list[str]:
    """First sentences of a few reports (newest first): claims a user can try that the library speaks to."""
    from index.sentences import split_sentences

    out = []
    for info in reversed(engine.store.reports()[-4:]):
        sents = [s for s in split_sentences(engine.store.report_text(info.id)[:3000]) if 40 < len(s) < 220]
        if sents:
            out.append(sents[0])
    return out or ["ISW assessed that Islamic State was most likely behind the Crocus City Hall attack"]


def mount_ui(app: FastAPI, engine: Engine) -> None:
    gr.mount_gradio_app(app, build_ui(engine), path="/", css=CSS, footer_links=["api"])
