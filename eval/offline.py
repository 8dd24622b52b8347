"""The single questions of the evaluation answered in this process, for quick weight studies.

    RASA_API_TOKEN=... python eval/offline.py --url http://127.0.0.1:5005 [--half a|b]

The NLU of a running coach parses each question (its /model/parse, so the ranking of facts is
the real one); the action the rules would run is then run here, on a tracker holding only that
message, and its reply judged as `make eval` judges it. Conversations are left out: they need
the real dialogue. `--half` keeps one of two fixed halves of the set (by a hash of the id), so
that weights tried on one half can be checked on the other.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.judge import judge  # noqa: E402
from eval.run import load_set  # noqa: E402


def rule_actions() -> Dict[str, str]:
    """intent -> the action its rule runs (the first step after the intent)."""
    found: Dict[str, str] = {}
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text()).get("rules") or []:
            steps = rule.get("steps") or []
            if rule.get("condition") or len(steps) < 2:
                continue
            if "intent" in steps[0] and "action" in steps[1]:
                found.setdefault(steps[0]["intent"], steps[1]["action"])
    return found


def parse(url: str, text: str) -> Dict:
    # The HTTP API is served only with a token (scripts/serve.py): the same one, from the environment.
    token = os.environ.get("RASA_API_TOKEN")
    query = f"?{urllib.parse.urlencode({'token': token})}" if token else ""
    request = urllib.request.Request(f"{url}/model/parse{query}", data=json.dumps({"text": text}).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def half_of(turn_id: str) -> str:
    return "a" if hashlib.sha256(turn_id.encode()).digest()[0] % 2 == 0 else "b"


def main(argv: List[str] = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--half", choices=["a", "b"])
    parser.add_argument("--cache", type=Path, default=ROOT / "results" / "eval" / "parses.json")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--questions", type=Path, help="another set's folder (default: eval/questions)")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="try another value of a weight in actions/choosing.py",
    )
    args = parser.parse_args(argv)

    from rasa_sdk import Tracker
    from rasa_sdk.executor import CollectingDispatcher

    import importlib
    import inspect

    from rasa_sdk import Action
    from tests.actions.conftest import render

    import actions.answering as answering
    import actions.choosing as choosing

    for setting in args.set:
        name, value = setting.split("=")
        module = choosing if hasattr(choosing, name) else answering
        assert hasattr(module, name), f"actions/choosing.py and actions/answering.py have no {name}"
        setattr(module, name, type(getattr(module, name))(value))
    registry = {}
    for path in sorted((ROOT / "actions").glob("*.py")):
        module = importlib.import_module(f"actions.{path.stem}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and not inspect.isabstract(cls) and cls.__module__ == module.__name__:
                try:
                    registry[cls().name()] = cls()
                except Exception:
                    pass
    singles = [c[0] for c in (load_set(args.questions) if args.questions else load_set()) if len(c) == 1]
    if args.half:
        singles = [t for t in singles if half_of(t.id) == args.half]
    cache = json.loads(args.cache.read_text()) if args.cache.exists() else {}
    by_intent = rule_actions()
    results = {}
    for turn in singles:
        if turn.text not in cache:
            cache[turn.text] = parse(args.url, turn.text)
        message = cache[turn.text]
        intent = (message.get("intent") or {}).get("name")
        action_name = by_intent.get(intent, "action_coach_fallback" if intent == "nlu_fallback" else None)
        dispatcher = CollectingDispatcher()
        if action_name and action_name.startswith("utter_"):
            dispatcher.utter_message(response=action_name)
        elif action_name:
            tracker = Tracker(
                "offline",
                {},
                message,
                [{"event": "user", "text": turn.text, "parse_data": message}],
                False,
                None,
                {},
                "action_listen",
            )
            result = registry[action_name].run(dispatcher, tracker, {})
            if inspect.iscoroutine(result):
                import asyncio

                asyncio.run(result)
        reply = "\n".join(render(m) if (m.get("text") or m.get("response")) else "" for m in dispatcher.messages)
        reply += "\n" + "\n".join(f"[{b.get('title')}]" for m in dispatcher.messages for b in m.get("buttons") or [])
        verdict = judge(turn, reply)
        results.setdefault(turn.category, []).append(verdict.passed)
        if args.show and not verdict.passed:
            print(f"FAIL {turn.id} [{turn.category}] {turn.text}\n   {reply[:300]!r}")
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    args.cache.write_text(json.dumps(cache))
    total = [p for v in results.values() for p in v]
    for category, passed in sorted(results.items()):
        print(f"{category:<16} {len(passed):>4} {sum(passed) / len(passed):7.1%}")
    print(f"{'single questions':<16} {len(total):>4} {sum(total) / len(total):7.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
