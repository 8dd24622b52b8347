"""The curators' command: what users told the coach, printed without control or bidi characters
and without the database's password.

    python -m feedback unanswered [--limit N]   # the most frequent unanswered questions
    python -m feedback ratings                  # thumbs up and down by intent and topic
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional

from sqlalchemy.exc import SQLAlchemyError

from feedback.store import FeedbackStore, printable
from knowledge.loader import masked_url


def _print_unanswered(store: FeedbackStore, limit: int) -> None:
    rows = store.most_unanswered(limit)
    if not rows:
        print("No unanswered questions recorded.")
        return
    print(f"{'count':>5}  {'last seen (UTC)':16}  question  [why]")
    for row in rows:
        print(f"{row.count:>5}  {row.last_seen:%Y-%m-%d %H:%M}  {printable(row.question)}  [{printable(row.reasons)}]")


def _print_ratings(store: FeedbackStore) -> None:
    rows = store.rating_summary()
    if not rows:
        print("No ratings recorded.")
        return
    print(f"{'up':>4} {'down':>4}  intent / topic")
    for row in rows:
        print(f"{row.up:>4} {row.down:>4}  {printable(row.intent) or '-'} / {printable(row.topic) or '-'}")
    print(f"{sum(r.up for r in rows):>4} {sum(r.down for r in rows):>4}  in all")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m feedback", description="What users told the coach, for curators.")
    commands = parser.add_subparsers(dest="command", required=True)
    unanswered = commands.add_parser("unanswered", help="the most frequent questions the coach could not answer")
    unanswered.add_argument("--limit", type=int, default=20, help="how many questions (default 20)")
    commands.add_parser("ratings", help="thumbs up and down by intent and topic")
    args = parser.parse_args(argv)
    if args.command == "unanswered" and args.limit < 1:
        parser.error("--limit must be at least 1")

    store = FeedbackStore()
    try:
        if args.command == "unanswered":
            _print_unanswered(store, args.limit)
        else:
            _print_ratings(store)
    except (SQLAlchemyError, OSError) as error:
        print(
            f"feedback: the database at {masked_url(store.url)} cannot be read ({error.__class__.__name__}: "
            f"{str(error).splitlines()[0]})",
            file=sys.stderr,
        )
        return 1
    finally:
        store.dispose()
    return 0
