"""The coach judged by what a person gets back: `make eval`.

    python eval/run.py                      # start the servers, ask everything, print the report
    python eval/run.py --url http://127.0.0.1:5005   # ask a coach that is already running
    python eval/run.py --only pay-q0 --show # some ids only, printing every reply
    python eval/run.py --questions eval/heldout --out results/heldout   # another set

Every question in `eval/questions/*.yml` was written from the guides and the knowledge files by
writers who had not seen `data/nlu/`; none may be trained on (`scripts/check_nlu.py` refuses
near-copies). Each single question is sent in a new conversation over the REST channel, each
conversation turn by turn in one; the reply's text (all its messages, and its buttons' titles)
passes when it holds what `eval/judge.py` asks of it. The report gives the pass rate per category
and overall, and the reply length per turn, and is saved in results/eval/ with every failure.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.judge import Turn, judge, reply_text, words_in  # noqa: E402
from tests.servers import Coach, Servers  # noqa: E402

QUESTIONS = ROOT / "eval" / "questions"
RESULTS = ROOT / "results" / "eval"
# Turns asked at once: conversations run side by side, each one's turns in order.
PARALLEL = 4


def load_set(folder: Path = QUESTIONS) -> List[List[Turn]]:
    """Every conversation of the set: a single question is a conversation of one turn."""
    conversations: List[List[Turn]] = []
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for question in data.get("questions") or []:
            conversations.append([Turn.of(question, question["id"])])
        for conversation in data.get("conversations") or []:
            conversations.append(
                [Turn.of(turn, f"{conversation['id']}.t{i + 1}") for i, turn in enumerate(conversation["turns"])]
            )
    return conversations


def set_fingerprint(folder: Path = QUESTIONS) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yml")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def run_conversation(coach: Coach, turns: List[Turn]) -> List[dict]:
    sender = f"eval-{uuid.uuid4().hex[:12]}"
    results = []
    for turn in turns:
        try:
            messages = coach.say(turn.text, sender)
        except Exception as error:  # a refused or failed request fails the turn, not the run
            messages = [{"text": f"<request failed: {error}>"}]
        text = reply_text(messages)
        verdict = judge(turn, text)
        results.append(
            {
                "id": turn.id,
                "category": turn.category,
                "text": turn.text,
                "reply": text,
                "passed": verdict.passed,
                "scored": verdict.scored,
                "why": verdict.why,
                "messages": len([m for m in messages if m.get("text")]),
                "words": words_in(messages),
                "flow": turn.category == "flow" or turn.kind.startswith("flow") or turn.category == "answer_to_coach",
            }
        )
    return results


def percentile(values: List[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(results: List[dict], fingerprint: str) -> Dict:
    scored = [r for r in results if r["scored"]]
    by_category: Dict[str, List[bool]] = defaultdict(list)
    for r in scored:
        by_category[r["category"]].append(r["passed"])
    words = [r["words"] for r in scored]
    answer_words = [r["words"] for r in scored if not r["flow"]]
    messages = [r["messages"] for r in scored]
    return {
        "set": fingerprint,
        "turns": len(scored),
        "passed": sum(r["passed"] for r in scored),
        "overall": sum(r["passed"] for r in scored) / max(1, len(scored)),
        "categories": {
            c: {"turns": len(v), "passed": sum(v), "rate": sum(v) / len(v)} for c, v in sorted(by_category.items())
        },
        "words": {
            "median": statistics.median(words) if words else 0,
            "p95": percentile(words, 0.95),
            "max": max(words, default=0),
        },
        "words_outside_flows": {
            "median": statistics.median(answer_words) if answer_words else 0,
            "p95": percentile(answer_words, 0.95),
        },
        "messages": {"median": statistics.median(messages) if messages else 0, "p95": percentile(messages, 0.95)},
    }


def print_report(summary: Dict) -> None:
    print(f"\nEvaluation set {summary['set']}: {summary['turns']} scored turns")
    print(f"{'category':<16} {'turns':>6} {'passed':>7} {'rate':>7}")
    for category, row in summary["categories"].items():
        print(f"{category:<16} {row['turns']:>6} {row['passed']:>7} {row['rate']:>7.1%}")
    print(f"{'overall':<16} {summary['turns']:>6} {summary['passed']:>7} {summary['overall']:>7.1%}")
    w, wa, m = summary["words"], summary["words_outside_flows"], summary["messages"]
    print(
        f"words a turn: median {w['median']:.0f}, 95th percentile {w['p95']:.0f}, longest {w['max']}"
        f" (outside the flows: median {wa['median']:.0f}, 95th percentile {wa['p95']:.0f})"
    )
    print(f"messages a turn: median {m['median']:.0f}, 95th percentile {m['p95']:.0f}")


def save(results: List[dict], summary: Dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(summary, indent=2))
    (out / "turns.json").write_text(json.dumps(results, indent=1))
    lines = []
    for r in results:
        if r["scored"] and not r["passed"]:
            lines += [f"## {r['id']} ({r['category']}): {r['why']}", f"> {r['text']}", "", r["reply"], ""]
    (out / "failures.md").write_text("\n".join(lines))


def evaluate(coach: Coach, conversations: List[List[Turn]], parallel: int = PARALLEL) -> List[dict]:
    with ThreadPoolExecutor(parallel) as pool:
        done = list(pool.map(lambda turns: run_conversation(coach, turns), conversations))
    return [r for conversation in done for r in conversation]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running coach's base URL (default: start one)")
    parser.add_argument("--only", action="append", default=[], help="ids starting with this (repeatable)")
    parser.add_argument("--show", action="store_true", help="print every turn and its reply")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--questions", type=Path, default=QUESTIONS, help="the folder of the set to ask (default: eval/questions)"
    )
    parser.add_argument(
        "--min-overall", type=float, default=0.0, help="exit 1 when the overall pass rate is below this"
    )
    args = parser.parse_args(argv)

    conversations = load_set(args.questions)
    if args.only:
        conversations = [c for c in conversations if any(c[0].id.startswith(p) for p in args.only)]
    started = time.monotonic()
    servers = None
    if args.url:
        coach = Coach(int(args.url.rsplit(":", 1)[1].strip("/")))
    else:
        from knowledge.loader import database_url

        work = Path(tempfile.mkdtemp(prefix="coach-eval-"))
        servers = Servers(work, database_url()).start()
        coach = servers.coach
    try:
        results = evaluate(coach, conversations)
    finally:
        if servers:
            servers.stop()
    summary = report(results, set_fingerprint(args.questions))
    summary["seconds"] = round(time.monotonic() - started, 1)
    if args.show:
        for r in results:
            mark = "PASS" if r["passed"] else ("FAIL" if r["scored"] else "----")
            print(f"{mark} {r['id']} [{r['category']}] {r['text']}\n    {r['reply'][:600]!r}\n    {r['why']}")
    print_report(summary)
    if not args.only:
        save(results, summary, args.out)
        print(
            f"saved in {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
            f" ({summary['seconds']} s)"
        )
    return 1 if summary["overall"] < args.min_overall else 0


if __name__ == "__main__":
    sys.exit(main())
