"""`make bench`: the coach's speed and memory, side by side with the stock `rasa init` bot.

For each bot: start-up time to the first REST reply, closed-loop load at C = 1, 10, 50
(`bench/load.py`), and the resident memory of each process after the load. Then training time,
cold and with the cache (`bench/training.py`). Prints a table and saves it with the figures to
`bench/results/` (`bench.txt`, `bench.json`).

    .venv/bin/python bench/run.py [--seconds 20] [--skip-training]
        [--bots coach coach-2w coach-2w-redis coach-actions-server stock]

Bots: `coach` as `scripts/run.sh` starts it (the project's endpoints.yml: conversations in
SQLite, one Sanic worker); `coach-2w`, the same with two Sanic workers sharing a Redis lock
store (and a Redis tracker store when endpoints.yml keeps conversations in memory, which two
workers cannot share); `coach-2w-redis`, two workers with conversations kept in Redis instead
of SQL; `stock`, the bot `rasa init` creates, built once in build/stock-bot.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import platform
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
import training  # noqa: E402
from launch import BIN, RESULTS, ROOT, Bot, Running, save  # noqa: E402

STOCK_DIR = ROOT / "build" / "stock-bot"


def stock_bot() -> Path:
    """The stock `rasa init` bot and its model, created and trained once (under the training lock)."""
    models = STOCK_DIR / "models"
    if not list(models.glob("*.tar.gz")):
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false", TF_CPP_MIN_LOG_LEVEL="2")
        print("stock bot: creating it with `rasa init` and training it ...", flush=True)
        with open(training.TRAIN_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (STOCK_DIR / "domain.yml").exists():
                command = [str(BIN / "rasa"), "train", "--out", "models"]
                cwd = STOCK_DIR
            else:
                STOCK_DIR.mkdir(parents=True, exist_ok=True)
                command = [str(BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(STOCK_DIR)]
                cwd = ROOT
            subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return max(models.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)


def coach_endpoints(work: Path, workers: int) -> Dict:
    """The project's endpoints.yml, with conversations kept in a scratch database, not the real one."""
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text()) or {}
    # The launcher points the action endpoint at the bench's action server, keeping its settings.
    tracker = endpoints.get("tracker_store") or {}
    if "sql" in str(tracker.get("type")).lower() and tracker.get("dialect", "sqlite") == "sqlite":
        endpoints["tracker_store"] = dict(tracker, db=str(work / "trackers.db"))
    if workers > 1:
        endpoints["lock_store"] = {"type": "extensions.locks.CoachRedisLockStore", "db": 1}
        if not tracker:
            endpoints["tracker_store"] = {"type": "redis", "db": 0}
    return endpoints


def make_bot(name: str, work: Path, model: Path = ROOT / "models" / "coach.tar.gz", several: int = 2) -> Bot:
    if name == "stock":
        return Bot(name, STOCK_DIR, stock_bot(), first_message="hello", has_actions=False)
    workers = several if name.startswith("coach-2w") else 1
    endpoints = coach_endpoints(work / name, workers)
    if name == "coach-2w-redis":  # conversations in Redis too, not in SQL
        endpoints["tracker_store"] = {"type": "redis", "db": 0}
    # The actions run in the Rasa server (scripts/serve.py), except for coach-actions-server,
    # which keeps them in an action server of their own (ACTIONS=server), as before.
    separate = name == "coach-actions-server"
    return Bot(
        name,
        ROOT,
        model,
        first_message="hello",
        has_actions=separate,
        workers=workers,
        endpoints=endpoints,
        credentials=ROOT / "credentials.yml",
        env={
            "ACTIONS": "server" if separate else "inprocess",
            "KNOWLEDGE_DB_URL": os.environ.get("KNOWLEDGE_DB_URL", f"sqlite:///{ROOT / 'build' / 'knowledge.db'}"),
            # The load's many users all come from this machine's address, each asking
            # as fast as it is answered: the per-client limits (channels/limits.py)
            # would measure themselves, not the server.
            "COACH_RATE_PER_ADDRESS": "1000000000",
            "COACH_RATE_PER_CONVERSATION": "1000000000",
        },
    )


def bench_bot(bot: Bot, work: Path, levels: List[int], seconds: float) -> Dict:
    print(f"{bot.name}: starting ({bot.workers} Sanic worker{'s' if bot.workers > 1 else ''})", flush=True)
    running = Running(bot, work / bot.name)
    try:
        running.start()
        print(
            f"  ready: first reply {running.startup['first_answer_s']} s after start "
            f"(listening at {running.startup['listening_s']} s; first message "
            f"{running.startup['first_message_ms']} ms, second {running.startup['second_message_ms']} ms)",
            flush=True,
        )
        results = load.run(running.url, "stock" if bot.name == "stock" else "coach", levels, seconds, cpu=running.cpu)
        memory = running.memory()
        print("  memory after the load (RSS): " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items()), flush=True)
    finally:
        running.stop()
    return {
        "workers": bot.workers,
        "startup": running.startup,
        "load": results,
        "rss_mb": memory,
        "endpoints": {k: v.get("type") for k, v in bot.endpoints.items() if isinstance(v, dict)},
    }


def saturated(figures: Dict) -> float:
    return max(level["messages_per_s"] for level in figures["load"])


def cpu_ms(level: Dict) -> Optional[float]:
    cpu = level.get("cpu_ms_per_message")
    return sum(cpu.values()) if cpu else None


def cpu_ratio(figures: Dict, stock: Dict) -> Optional[float]:
    """CPU a message of all the bot's processes against the stock bot's, over the levels both ran:
    the mean of the per-level ratios (each level's load is the same for both)."""
    theirs = {level["concurrency"]: cpu_ms(level) for level in stock["load"]}
    ratios = [
        cpu_ms(level) / theirs[level["concurrency"]]
        for level in figures["load"]
        if cpu_ms(level) and theirs.get(level["concurrency"])
    ]
    return sum(ratios) / len(ratios) if ratios else None


def cpu_per_message(level: Dict) -> str:
    """CPU ms all the bot's server processes spent per message: less disturbed by other load."""
    cpu = cpu_ms(level)
    return f"{cpu:.0f}" if cpu is not None else "-"


def table(report: Dict) -> str:
    bots = report["bots"]
    several = {f["workers"] for n, f in bots.items() if n.startswith("coach-2w")}
    lines = [
        f"Benchmark {report['when']} on {report['machine']}, {report['seconds']} s per level"
        + (f"; the coach-2w bots ran with {several.pop()} Sanic workers" if several - {2} else ""),
        "",
        f"{'bot':<14} {'C':>3} {'msg/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'lost':>9} {'CPU ms/msg':>11}",
    ]
    for name, figures in bots.items():
        for level in figures["load"]:
            lost = f"{level['lost']}/{level['answered'] + level['lost']}"
            lines.append(
                f"{name:<14} {level['concurrency']:>3} {level['messages_per_s']:>7.1f} "
                f"{level.get('p50_ms', '-'):>7} {level.get('p95_ms', '-'):>7} "
                f"{level.get('p99_ms', '-'):>7} {lost:>9} {cpu_per_message(level):>11}"
            )
    lines.append("")
    if "stock" in bots:
        stock = saturated(bots["stock"])
        for name, figures in bots.items():
            if name != "stock":
                lines.append(
                    f"saturated msg/s, {name} / stock: {saturated(figures):.1f} / {stock:.1f}"
                    f" = {saturated(figures) / stock:.2f}x"
                )
        for name, figures in bots.items():
            ratio = cpu_ratio(figures, bots["stock"]) if name != "stock" else None
            if ratio is not None:
                lines.append(f"CPU a message, {name} / stock: {ratio:.2f} (mean over the levels)")
        lines.append("")
    for name, figures in bots.items():
        startup = figures["startup"]
        memory = ", ".join(f"{k} {v:.0f} MB" for k, v in figures["rss_mb"].items())
        lines.append(
            f"{name}: first reply {startup['first_answer_s']} s after start "
            f"(first message {startup['first_message_ms']} ms); RSS {memory}"
        )
    if "training" in report:
        t = report["training"]
        lines.append(f"training: cold {t['cold_training_s']} s, with the cache {t['warm_training_s']} s")
    lines += ["", "goals (the issue's):"] + goals(report)
    return "\n".join(lines)


def goals(report: Dict) -> List[str]:
    """Each goal of the production issue, met or not, for every coach configuration measured."""
    bots = report["bots"]
    lines = []
    for name, figures in bots.items():
        if name == "stock":
            continue
        at = {level["concurrency"]: level for level in figures["load"]}
        checks = [("zero lost replies", sum(level["lost"] for level in figures["load"]) == 0)]
        if "stock" in bots:
            checks.append(("2x the stock bot's saturated msg/s", saturated(figures) >= 2 * saturated(bots["stock"])))
            ratio = cpu_ratio(figures, bots["stock"])
            if ratio is not None:
                checks.append(("CPU a message under 0.75 of the stock bot's", ratio < 0.75))
        if 10 in at and "p95_ms" in at[10]:
            checks.append(("p95 under 250 ms at C=10", at[10]["p95_ms"] < 250))
        checks.append(("first reply within 20 s of start", figures["startup"]["first_answer_s"] <= 20))
        rasa = [mb for process, mb in figures.get("rss_mb", {}).items() if process.startswith("rasa")]
        if rasa:
            checks.append(("at most 900 MB resident per Rasa process", max(rasa) <= 900))
        lines.append(f"  {name}: " + "; ".join(f"{what} {'MET' if ok else 'not met'}" for what, ok in checks))
    if "training" in report:
        met = report["training"]["cold_training_s"] < 240
        lines.append(f"  cold training under 4 minutes {'MET' if met else 'not met'}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--bots",
        nargs="+",
        default=["coach", "coach-2w", "coach-2w-redis", "stock"],
        choices=["coach", "coach-2w", "coach-2w-redis", "coach-actions-server", "stock"],
    )
    parser.add_argument("-c", "--concurrency", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 20)))
    parser.add_argument("--skip-training", action="store_true")
    parser.add_argument(
        "--model",
        type=Path,
        default=ROOT / "models" / "coach.tar.gz",
        help="the coach's model (to measure a candidate before it becomes the default)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="Sanic workers of the coach-2w bots (the table still calls them coach-2w)",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    report = {
        "when": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} cores, {platform.machine()}, load average {os.getloadavg()[0]:.1f} at start",
        "seconds": args.seconds,
        "bots": {},
    }
    work = RESULTS / "logs"  # each process's log and the scratch databases, kept for a look after
    shutil.rmtree(work, ignore_errors=True)
    for name in args.bots:
        report["bots"][name] = bench_bot(
            make_bot(name, work, args.model, args.workers), work, args.concurrency, args.seconds
        )
    if not args.skip_training:
        report["training"] = training.measure()
    report["total_s"] = round(time.perf_counter() - started)
    text = table(report)
    print("\n" + text)
    save("bench", report)
    (RESULTS / "bench.txt").write_text(text + "\n")
    print(f"\nsaved to {RESULTS.relative_to(ROOT)}/bench.txt and bench.json ({report['total_s']} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
