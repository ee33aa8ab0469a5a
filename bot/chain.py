"""The engine's steps as a LangChain runnable, for those who compose with LangChain tooling (tracing, batching, an
LLM step on top): ``as_runnable(engine).invoke(CheckRequest.of("claim"))`` -> Reply.

A thin adapter: the steps are the engine's (``bot/steps/``), run over the engine's store and models, so the runnable
and ``Engine.check`` (offline) give the same reply.
"""

from __future__ import annotations

from langchain_core.runnables import Runnable, RunnableLambda

from bot.engine import Engine
from bot.request import CheckRequest
from bot.trace import Trace


def as_runnable(engine: Engine) -> Runnable[CheckRequest, object]:
    """request -> trace (plan, embed, search, judge) -> reply (compose), as two named runnables."""

    def trace(req: CheckRequest) -> Trace:
        return engine.trace(**req.model_dump())

    return RunnableLambda(trace, name="trace") | RunnableLambda(engine.respond, name="compose")
