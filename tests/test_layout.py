"""The code's structure, checked: which room may import which, no import cycles, answer-time code apart from training.

Why a test: the layout (DESIGN.md, README "Layout") only holds while something fails when it is broken. Imports are
read from the source with ``ast`` (module level and inside functions alike), so nothing is imported to check them.
Run alone: ``python -m pytest tests/test_layout.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGES = ("bot", "index", "prompts", "seeds")
# Rooms from the bottom up: a module may import its own room and the rooms below it, never one above.
LAYERS: list[tuple[str, ...]] = [
    ("index", "prompts", "seeds"),
    ("bot.labels", "bot.settings", "bot.metrics"),
    ("bot.text",),
    ("bot.request",),
    ("bot.nli",),
    ("bot.verdict",),
    ("bot.trace", "bot.reply", "bot.gold"),
    ("bot.steps", "bot.llm", "bot.llm_judge"),
    ("bot.engine",),
    ("bot.chain", "bot.service", "bot.evaluate", "bot.render"),
    ("bot.ui", "bot.api"),
    ("bot.cli",),
]
TRAINING = "bot.training"
# Doors that start training jobs on request (``claimcheck train-verifier``, ``claimcheck calibrate``).
MAY_IMPORT_TRAINING = ("bot.cli",)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str) -> set[str]:
    """Project modules imported anywhere in ``path`` (absolute or relative, at module level or inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in out if m.split(".")[0] in PACKAGES}


def _graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    graph = {}
    for name, path in files.items():
        # "from bot.nli import signals" names a module; "from bot.nli.scorer import X" names X inside one. A module's
        # own packages are left out: importing a module runs its package's __init__ anyway.
        own = {name.rsplit(".", k)[0] for k in range(1, name.count(".") + 1)}
        graph[name] = {m for m in _imports(path, name) if m in files and m != name and m not in own}
    return graph


def _layer(module: str) -> int | None:
    best = None
    for i, room in enumerate(LAYERS):
        for prefix in room:
            if module == prefix or module.startswith(prefix + "."):
                best = i
    return best


def test_index_never_imports_bot():
    bad = {m: sorted(d for d in deps if d.startswith("bot")) for m, deps in _graph().items() if m.startswith("index")}
    assert not {m: d for m, d in bad.items() if d}


def test_answer_time_code_never_imports_training_code():
    bad = {
        m: sorted(d for d in deps if d.startswith(TRAINING))
        for m, deps in _graph().items()
        if not m.startswith(TRAINING) and m not in MAY_IMPORT_TRAINING
    }
    assert not {m: d for m, d in bad.items() if d}, "answer-time modules importing training code"


def test_no_room_imports_a_room_above_it():
    bad = []
    for module, deps in _graph().items():
        own = _layer(module)
        if own is None:
            continue
        bad += [f"{module} -> {d}" for d in deps if (_layer(d) or 0) > own]
    assert not bad, "imports that point up the layers:\n" + "\n".join(sorted(bad))


def test_the_engine_imports_the_steps_and_no_step_imports_the_engine():
    graph = _graph()
    assert {"bot.steps.plan", "bot.steps.search", "bot.steps.judge", "bot.steps.compose"} <= graph["bot.engine"]
    assert not [m for m, deps in graph.items() if m.startswith("bot.steps") and "bot.engine" in deps]


def test_every_module_sits_in_a_room():
    unplaced = [m for m in _graph() if _layer(m) is None and not m.startswith(TRAINING) and m != "bot"]
    assert not unplaced, f"modules outside every room of LAYERS: {unplaced}"


def test_there_is_no_import_cycle():
    graph = _graph()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            raise AssertionError("import cycle: " + " -> ".join(cycle))
