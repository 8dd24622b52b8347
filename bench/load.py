"""Closed-loop load over the REST channel: C conversations at once, each sending its next
message only when the reply to the last one has arrived (no think time).

Each virtual user plays the conversations of `bench/conversations.yml` in turn, every one under
a new conversation id, so the server sees real dialogues (follow-ups need the context) and no
two users ask the same thing at the same moment. A reply is lost when the request fails, times
out, is not a 200, or is an empty list of messages.

    .venv/bin/python bench/load.py --url http://127.0.0.1:5005 --bot coach -c 1 10 50
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

import aiohttp
import yaml

CONVERSATIONS = Path(__file__).resolve().parent / "conversations.yml"
REQUEST_TIMEOUT = 30.0


def conversations(bot: str) -> List[List[str]]:
    scripts = yaml.safe_load(CONVERSATIONS.read_text())[bot]
    for script in scripts:  # YAML reads a bare yes or no as a boolean: quote them
        for text in script:
            if not isinstance(text, str):
                raise ValueError(f"{CONVERSATIONS.name}: {text!r} is not a string; quote it")
    return scripts


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..1) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, int(round(share * len(ordered) + 0.4999)))
    return ordered[min(rank, len(ordered)) - 1]


class Tally:
    """What the users saw: latencies of answered messages and the lost ones by cause."""

    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.lost: Dict[str, int] = {"error": 0, "timeout": 0, "empty": 0}
        self.sent = 0  # every message, the warm-up's too (for CPU time per message)

    def summary(self, seconds: float, concurrency: int) -> dict:
        answered = len(self.latencies)
        figures = {
            "concurrency": concurrency,
            "seconds": round(seconds, 1),
            "answered": answered,
            "lost": sum(self.lost.values()),
            "lost_by_cause": dict(self.lost),
            "messages_per_s": round(answered / seconds, 2) if seconds else 0.0,
        }
        if answered:
            ms = [latency * 1000 for latency in self.latencies]
            figures.update(
                p50_ms=round(percentile(ms, 0.50)),
                p95_ms=round(percentile(ms, 0.95)),
                p99_ms=round(percentile(ms, 0.99)),
                mean_ms=round(statistics.mean(ms)),
                max_ms=round(max(ms)),
            )
        return figures


async def send(client: aiohttp.ClientSession, url: str, sender: str, text: str, tally: Tally, counting: bool) -> None:
    started = time.perf_counter()
    cause = None
    try:
        async with client.post(url, json={"sender": sender, "message": text}) as response:
            body = await response.read()
            if response.status != 200:
                cause = "error"
            else:
                messages = json.loads(body)
                if not messages or not any(m.get("text") or m.get("image") or m.get("custom") for m in messages):
                    cause = "empty"
    except asyncio.TimeoutError:
        cause = "timeout"
    except (aiohttp.ClientError, ValueError, OSError):
        cause = "error"
    tally.sent += 1
    if not counting:
        return
    if cause:
        tally.lost[cause] += 1
    else:
        tally.latencies.append(time.perf_counter() - started)


async def user(
    client: aiohttp.ClientSession, url: str, scripts: itertools.cycle, tally: Tally, warm_until: float, stop_at: float
) -> None:
    while time.perf_counter() < stop_at:
        sender = uuid.uuid4().hex
        for text in next(scripts):
            now = time.perf_counter()
            if now >= stop_at:
                return
            await send(client, url, sender, text, tally, counting=now >= warm_until)


async def closed_loop(base_url: str, bot: str, concurrency: int, seconds: float, warmup: float = 3.0) -> dict:
    """Runs `concurrency` users for warmup + seconds; counts the messages sent after the warm-up.

    A message counts when it was sent inside the measured window; the window closes when its last
    reply arrives, so the rate is answered messages over the time they took.
    """
    scripts = conversations(bot)
    url = f"{base_url}/webhooks/rest/webhook"
    tally = Tally()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:
        started = time.perf_counter()
        warm_until = started + warmup
        stop_at = warm_until + seconds
        # Each user starts at a different conversation so the mix is even from the first second.
        users = [
            user(
                client,
                url,
                itertools.islice(itertools.cycle(scripts), i % len(scripts), None),
                tally,
                warm_until,
                stop_at,
            )
            for i in range(concurrency)
        ]
        await asyncio.gather(*users)
        measured = time.perf_counter() - warm_until
    figures = tally.summary(measured, concurrency)
    figures["sent_with_warmup"] = tally.sent
    return figures


def run(
    base_url: str,
    bot: str,
    levels: Sequence[int],
    seconds: float,
    warmup: float = 3.0,
    cpu: Optional[Callable[[], Dict[str, float]]] = None,
) -> List[dict]:
    """Each level in turn; with `cpu` (CPU seconds by process so far), also the CPU ms each
    server process spent per message, a figure that other load on the machine disturbs less."""
    results = []
    for level in levels:
        before = cpu() if cpu else {}
        figures = asyncio.run(closed_loop(base_url, bot, level, seconds, warmup))
        if cpu and figures["sent_with_warmup"]:
            after = cpu()
            figures["cpu_ms_per_message"] = {
                name: round((after[name] - before.get(name, 0.0)) * 1000 / figures["sent_with_warmup"], 1)
                for name in after
            }
        print(
            f"  {bot} C={level:<3} {figures['messages_per_s']:7.2f} msg/s  "
            f"p50 {figures.get('p50_ms', '-')} ms  p95 {figures.get('p95_ms', '-')} ms  "
            f"p99 {figures.get('p99_ms', '-')} ms  lost {figures['lost']} of "
            f"{figures['answered'] + figures['lost']}  CPU ms/message "
            f"{figures.get('cpu_ms_per_message', '-')}",
            flush=True,
        )
        results.append(figures)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--bot", choices=["coach", "stock"], default="coach")
    parser.add_argument("-c", "--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time per level")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured time per level")
    args = parser.parse_args()
    results = run(args.url, args.bot, args.concurrency, args.seconds, args.warmup)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
