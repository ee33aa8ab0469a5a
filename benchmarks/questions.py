"""Questions answered from the library: does the first citation hold the answer?

Why: a question ("Who commanded Russian forces in October 2022?") gets no verdict, only citations and an answer line,
and the reader takes the first citation as the answer. Each labelled question has the report (by date) and a verbatim
quote that answer it. A citation hits when it is from that report and holds the quote (or is a sentence inside it);
hit@1 is the first citation, hit@3 any of the first three. Two looser readings: ``answer@1``, the first cited
sentence holds the short answer (from whichever report: several reports often state the same fact); ``span@1``, the
reply's answer line ("Answer: SPAN — “…”") names it (one contains the other, case and punctuation aside).

The questions (``benchmarks/data/isw_questions.jsonl``, over the ISW 2022 reports and the seed report): ``dev``, 34
written and committed before the chain was first run on them, then used to write the ranking
(``bot/steps/answers.py``); ``held-out``, written after it and measured once. Figures are given per set.
Usage: python -m benchmarks.questions --data-dir COPY_OF_THE_ISW_INDEX [--out per_question.jsonl]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from benchmarks.common import ROOT, emit, read_jsonl
from bot.reply import Reply
from bot.text.words import loose_key

QUESTIONS = ROOT / "benchmarks" / "data" / "isw_questions.jsonl"


def hit(citation, row: dict) -> bool:
    """The citation is from the answering report and holds its quote (or is one sentence of it)."""
    if citation.date != row["answer_report_date"]:
        return False
    quote, gold = loose_key(citation.quote), loose_key(row["answer_quote"])
    return gold in quote or (len(quote) >= 40 and quote in gold)


def answer_span(reply: Reply) -> str:
    """The span the reply's answer line names ("Answer: Islamic State — “…”"); "" when it names none."""
    m = re.match(r"Answer: (.+?) — “", reply.answer)
    return m.group(1) if m else ""


def score(reply: Reply, row: dict) -> dict:
    hits = [hit(c, row) for c in reply.citations]
    first = reply.citations[0].quote if reply.citations else ""
    span, answer = loose_key(answer_span(reply)), loose_key(row["answer"])
    return {
        "id": row["id"],
        "set": row.get("set", "dev"),
        "hit@1": bool(hits[:1] and hits[0]),
        "hit@3": any(hits[:3]),
        "answer@1": answer in loose_key(first),
        "span@1": bool(span) and (answer in span or span in answer),
        "first": first,
        "first_date": reply.citations[0].date if reply.citations else None,
        "span": answer_span(reply),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, required=True, help="an ISW index (a copy: the engine opens it)")
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--out", type=Path, help="write one JSON line per question here")
    args = ap.parse_args()

    from bot.service import open_engine
    from bot.settings import Settings

    engine = open_engine(Settings(data_dir=args.data_dir), seed=False)
    rows = read_jsonl(args.questions)
    results, times = [], []
    for row in rows:
        t = time.perf_counter()
        reply = engine.check(row["question"])
        times.append((time.perf_counter() - t) * 1000)
        results.append({"question": row["question"], "answer": row["answer"], **score(reply, row)})
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results))
    sets = {}
    for name in dict.fromkeys(r["set"] for r in results):
        part = [r for r in results if r["set"] == name]
        sets[name] = {"questions": len(part)} | {
            m: f"{sum(r[m] for r in part)}/{len(part)} = {sum(r[m] for r in part) / len(part):.3f}"
            for m in ("hit@1", "hit@3", "answer@1", "span@1")
        }
        sets[name]["missed@1"] = [r["id"] for r in part if not r["hit@1"]]
    emit("questions", {"sets": sets, "mean_ms": round(sum(times) / len(times), 1)})


if __name__ == "__main__":
    main()
