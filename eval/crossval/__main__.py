"""The command line: `python -m eval.crossval [--compare] [--fresh] [--first-folds K]`."""

from __future__ import annotations

import os

# Before Rasa is imported: quiet TensorFlow and the per-epoch progress bars.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TQDM_DISABLE", "1")

import argparse  # noqa: E402
import asyncio  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import List, Optional  # noqa: E402

import eval.crossval  # noqa: E402
from eval.crossval import ROOT, shown  # noqa: E402
from eval.crossval.configs import uses_spacy, write_spacy_variant  # noqa: E402
from eval.crossval.folds import cross_validate, fingerprint  # noqa: E402
from eval.crossval.report import Summary, previous, print_comparison, summary_lines  # noqa: E402

OUT_DIR = ROOT / "results" / "crossval"


def run(label: str, config_path: Path, out_dir: Path, args: argparse.Namespace) -> Summary:
    print_ = fingerprint(config_path, args.nlu, args.folds, args.seed)
    folds_run = min(args.first_folds or args.folds, args.folds)
    earlier = None if args.fresh else previous(out_dir, print_, folds_run)
    if earlier:
        print(
            f"[{label}] unchanged since {earlier.finished}: reusing {shown(out_dir)}/ (--fresh to run again)",
            flush=True,
        )
        return earlier
    summary = asyncio.run(
        cross_validate(label, config_path, args.nlu, out_dir, args.folds, args.seed, print_, folds_run)
    )
    if not (out_dir / "intent_confusion_matrix.png").exists():
        raise SystemExit(f"crossval: {out_dir}/intent_confusion_matrix.png was not written")
    return summary


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.crossval", description=eval.crossval.__doc__.split("\n")[0])
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml")
    parser.add_argument("--nlu", type=Path, default=ROOT / "data" / "nlu")
    parser.add_argument("--out", type=Path, default=OUT_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--first-folds",
        type=int,
        default=0,
        metavar="K",
        help="a partial report from the first K folds only (finished folds are kept, "
        "so a later full run carries on from them)",
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="also cross-validate the pipeline with spaCy's vectors (without, if it has them)",
    )
    parser.add_argument("--fresh", action="store_true", help="run even if an identical run is stored")
    args = parser.parse_args(argv)
    args.config, args.nlu, args.out = (p.resolve() for p in (args.config, args.nlu, args.out))
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # else every prediction is logged at debug level
    for noisy in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(noisy).setLevel(logging.ERROR)

    summaries = [run(shown(args.config), args.config, args.out, args)]
    if args.compare:
        other = "without_spacy" if uses_spacy(args.config) else "with_spacy"
        # Generated beside the comparison's report, which is where its results go.
        alternative = write_spacy_variant(args.config, args.out / other / f"config_{other}.yml")
        summaries.append(run(other.replace("_", " ").replace("spacy", "spaCy"), alternative, args.out / other, args))

    for summary in summaries:
        print(
            f"\nNLU cross-validation, {summary.label} ({summary.folds_text()}, {summary.examples} examples, "
            f"{summary.intents} intents) -> report in {summary.report_dir}/"
        )
        print("\n".join("  " + line for line in summary_lines(summary)))
    if args.compare:
        print_comparison(summaries, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
