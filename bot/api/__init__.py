"""The HTTP app: one router per resource over the engine, plus the widget and the chat (Gradio, at /).

``create_app`` assembles them (``bot/api/app.py``); the guards they share live in ``bot/api/guards.py``.
"""

from bot.api.app import create_app
from bot.api.guards import RateLimiter

__all__ = ["RateLimiter", "create_app"]
