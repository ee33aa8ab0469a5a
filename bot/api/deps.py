"""The engine as a FastAPI dependency, so routers are plain modules that take it as a parameter, not closures."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.engine import Engine


def get_engine(request: Request) -> Engine:
    """The engine ``create_app`` put on the app: one per process, its models loaded once."""
    return request.app.state.engine


EngineDep = Annotated[Engine, Depends(get_engine)]
