"""Where the time of one message and of the start goes, measured inside one Rasa process.

Start-up: Python imports of Rasa, loading the model, the first message, a steady message.
Per message: every node of the model's graph (spaCy, the featurizers, the classifier, each
policy), the custom actions (run in this process as `make run` runs them, or with
--actions-server the round trip to an action server), and the tracker store's reads and writes,
in wall-clock and CPU ms per message, averaged over the conversations of `bench/conversations.yml`
played one at a time.

    .venv/bin/python bench/profile_request.py [--model models/coach.tar.gz] [--rounds 2] [--actions-server]
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import functools  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Dict, List  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
from launch import ROOT, Bot, Running, save  # noqa: E402

TIMES: Dict[str, List[float]] = defaultdict(list)  # wall-clock seconds
CPU: Dict[str, List[float]] = defaultdict(list)  # CPU seconds of this process (all its threads)


def record(label: str, wall: float, cpu: float) -> None:
    TIMES[label].append(time.perf_counter() - wall)
    CPU[label].append(time.process_time() - cpu)


def timed_sync(label_of):
    def wrap(function):
        @functools.wraps(function)
        def timed(self, *args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(self, *args, **kwargs)
            finally:
                record(label_of(self), wall, cpu)

        return timed

    return wrap


def timed_async(label):
    def wrap(function):
        @functools.wraps(function)
        async def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return await function(*args, **kwargs)
            finally:
                record(label, wall, cpu)

        return timed

    return wrap


def instrument() -> None:
    """Wraps the graph's nodes, the remote action and the tracker store methods with timers."""
    from rasa.core.actions.action import RemoteAction
    from rasa.core.tracker_store import TrackerStore
    from rasa.engine.graph import GraphNode

    GraphNode.__call__ = timed_sync(lambda node: f"graph node {node._node_name}")(GraphNode.__call__)
    RemoteAction.run = timed_async("custom action (with its call and reply)")(RemoteAction.run)
    for name in ("retrieve", "save"):
        for store in TrackerStore.__subclasses__():
            if name in vars(store):
                setattr(store, name, timed_async(f"tracker store {name}")(vars(store)[name]))


async def play(bot, rounds: int) -> int:
    """Plays every coach conversation `rounds` times, one message at a time; returns the count."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    sent = 0
    for _ in range(rounds):
        for script in load.conversations("coach"):
            sender = uuid.uuid4().hex
            for text in script:
                wall, cpu = time.perf_counter(), time.process_time()
                await bot.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
                record("whole message", wall, cpu)
                sent += 1
    return sent


async def profile(
    model: Path, endpoints_file: Path, rounds: int, imported: float, functions: int = 0, sort: str = "tottime"
) -> Dict:
    from rasa.core.agent import load_agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.utils import AvailableEndpoints

    sys.path.insert(0, str(ROOT))

    started = time.perf_counter()
    bot = await load_agent(model_path=str(model), endpoints=AvailableEndpoints.read_endpoints(str(endpoints_file)))
    loaded = time.perf_counter() - started
    timings = []
    for text in ("hello", "how much does a records tech make"):
        started = time.perf_counter()
        await bot.handle_message(UserMessage(text, CollectingOutputChannel(), uuid.uuid4().hex))
        timings.append(time.perf_counter() - started)
    TIMES.clear()
    CPU.clear()
    if functions:  # Python's profiler over the conversations: the functions that cost most
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        sent = await play(bot, rounds)
        profiler.disable()
        pstats.Stats(profiler).sort_stats(sort).print_stats(functions)
    else:
        sent = await play(bot, rounds)
    per_message = {
        label: {"wall_ms": round(sum(values) * 1000 / sent, 1), "cpu_ms": round(sum(CPU[label]) * 1000 / sent, 1)}
        for label, values in TIMES.items()
    }
    return {
        "startup": {
            "imports_s": round(imported, 1),
            "model_load_s": round(loaded, 1),
            "first_message_ms": round(timings[0] * 1000),
            "second_message_ms": round(timings[1] * 1000),
        },
        "messages": sent,
        "per_message": dict(sorted(per_message.items(), key=lambda item: -item[1]["cpu_ms"])),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "coach.tar.gz")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--functions",
        type=int,
        default=0,
        metavar="N",
        help="also print the N functions with the most own time (cProfile)",
    )
    parser.add_argument(
        "--actions-server",
        action="store_true",
        help="run the actions in an action server of their own (ACTIONS=server), "
        "not in this process as scripts/serve.py does by default",
    )
    parser.add_argument(
        "--actions-url",
        metavar="URL",
        help="use this running action server (to profile it: start it under "
        "`python -m cProfile -o FILE -m rasa_sdk --actions actions`)",
    )
    parser.add_argument(
        "--sort",
        default="tottime",
        choices=("tottime", "cumulative"),
        help="order of --functions: own time, or time including callees",
    )
    parser.add_argument(
        "--with-tensorflow",
        action="store_true",
        help="load TensorFlow even for a model without it (scripts/serve.py does not)",
    )
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    sys.path.insert(0, str(ROOT))
    from extensions import without_tensorflow

    if not args.with_tensorflow and not without_tensorflow.needs_tensorflow(args.model):
        without_tensorflow.install()  # as scripts/serve.py does for this model
    from extensions import speedups

    speedups.install()  # as scripts/serve.py does
    separate = args.actions_server or bool(args.actions_url)
    if not separate:
        from extensions import inprocess_actions

        inprocess_actions.install()  # as scripts/serve.py does unless ACTIONS=server

    import rasa.core.agent  # noqa: F401  (the imports `rasa run` makes, timed)
    import rasa.core.run  # noqa: F401

    imported = time.perf_counter() - STARTED
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    instrument()

    import yaml

    work = ROOT / "bench" / "results" / "logs" / "profile"
    from run import coach_endpoints

    # The scratch tracker store (and with --actions-server the action server) as `make bench`
    # starts them; the Rasa server's part runs here, in this process, so its parts can be timed.
    actions = Running(Bot("profile", ROOT, args.model, "hello"), work)
    endpoints = coach_endpoints(work, 1)
    try:
        if separate:
            url = args.actions_url or f"http://127.0.0.1:{actions.start_actions()}/webhook"
            endpoints["action_endpoint"] = dict(endpoints.get("action_endpoint") or {}, url=url)
        endpoints_file = work / "endpoints.yml"
        endpoints_file.write_text(yaml.safe_dump(endpoints))
        figures = asyncio.run(profile(args.model, endpoints_file, args.rounds, imported, args.functions, args.sort))
    finally:
        actions.stop()
    print(json.dumps(figures, indent=2))
    save("profile", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
