"""Prompt templates as plain files, loaded at run time (the optional LLM path)."""

from pathlib import Path

PROMPTS_DIR = Path(__file__).parent


def load_prompt(name: str) -> str:
    """The template ``name`` (without .txt); report text always enters as delimited data, never as instructions."""
    return (PROMPTS_DIR / f"{name}.txt").read_text(encoding="utf-8")
