"""The report: the summary of a run and its goals, Rasa's reports turned into summary.md and
summary.json, two pipelines side by side, and a stored run reused when nothing changed."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

INTENT_MACRO_F1_GOAL = 0.95
ENTITY_F1_GOAL = 0.90


@dataclass
class FoldTiming:
    waited_s: float
    trained_s: float
    evaluated_s: float


@dataclass
class Summary:
    label: str
    config: str
    fingerprint: str
    folds: int
    seed: int
    examples: int
    intents: int
    intent_macro_f1: float
    intent_accuracy: float
    entity_micro_f1: Optional[float]
    entity_macro_f1: Optional[float]
    elapsed_s: float
    trained_s: float
    waited_s: float
    fold_intent_macro_f1: List[float] = field(default_factory=list)
    finished: str = ""
    report_dir: str = ""
    folds_run: int = 0  # fewer than `folds` when --first-folds stopped early: a partial report

    @property
    def partial(self) -> bool:
        return 0 < self.folds_run < self.folds

    def folds_text(self) -> str:
        return f"{self.folds_run} of {self.folds} folds" if self.partial else f"{self.folds} folds"


def verdict(value: Optional[float], goal: float) -> str:
    if value is None:
        return "n/a"
    return "PASS" if value >= goal else "BELOW"


def figure(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def summary_lines(summary: Summary) -> List[str]:
    return [
        f"intent macro F1   {figure(summary.intent_macro_f1)}  (goal >= {INTENT_MACRO_F1_GOAL:.2f}) "
        f"{verdict(summary.intent_macro_f1, INTENT_MACRO_F1_GOAL)}",
        f"entity micro F1   {figure(summary.entity_micro_f1)}  (goal >= {ENTITY_F1_GOAL:.2f}) "
        f"{verdict(summary.entity_micro_f1, ENTITY_F1_GOAL)}",
        f"entity macro F1   {figure(summary.entity_macro_f1)}  (goal >= {ENTITY_F1_GOAL:.2f}) "
        f"{verdict(summary.entity_macro_f1, ENTITY_F1_GOAL)}",
        f"intent accuracy   {figure(summary.intent_accuracy)}",
        f"time              {summary.elapsed_s / 60:.1f} min ({summary.trained_s / 60:.1f} min training, "
        f"{summary.waited_s / 60:.1f} min waiting for the lock)",
    ]


def _table(report: Dict[str, Any], skip: Tuple[str, ...]) -> List[str]:
    rows = ["| label | precision | recall | F1 | support |", "| --- | ---: | ---: | ---: | ---: |"]
    scored = [(name, r) for name, r in report.items() if isinstance(r, dict) and name not in skip]
    for name, r in sorted(scored, key=lambda item: (item[1]["f1-score"], item[0])):
        rows.append(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1-score']:.3f} | {r['support']} |")
    return rows


def write_report(
    summary: Summary, intent_report: Dict[str, Any], out_dir: Path, timings: List[FoldTiming], extractor: Optional[str]
) -> None:
    averages = ("micro avg", "macro avg", "weighted avg", "accuracy")
    lines = [
        f"# NLU cross-validation: {summary.label}",
        "",
        f"{summary.folds_text()} (seed {summary.seed}) over {summary.examples} examples of "
        f"{summary.intents} intents, config `{summary.config}`, {summary.finished}.",
        "",
        "```",
        *summary_lines(summary),
        "```",
        "",
        "Intent macro F1 per fold: " + ", ".join(f"{f:.3f}" for f in summary.fold_intent_macro_f1),
        "",
        "## Intents (worst first)",
        "",
        *_table(intent_report, averages),
        "",
    ]
    entity_file = out_dir / f"{extractor}_report.json"
    if summary.entity_micro_f1 is not None and entity_file.exists():
        lines += ["## Entities (worst first)", "", *_table(json.loads(entity_file.read_text()), averages), ""]
    lines += [
        "Confusion matrix: `intent_confusion_matrix.png`; misclassified examples: "
        f"`intent_errors.json`, `{extractor}_errors.json`.",
        "",
    ]
    (out_dir / "summary.md").write_text("\n".join(lines))
    record = asdict(summary)
    record["fold_timings"] = [asdict(t) for t in timings]
    (out_dir / "summary.json").write_text(json.dumps(record, indent=2) + "\n")


def print_comparison(summaries: List[Summary], out_dir: Path) -> None:
    rows = [
        ("intent macro F1", "intent_macro_f1"),
        ("intent accuracy", "intent_accuracy"),
        ("entity micro F1", "entity_micro_f1"),
        ("entity macro F1", "entity_macro_f1"),
    ]
    header = f"{'':18}" + "".join(f"{s.label:>24}" for s in summaries)
    lines = [header]
    for title, key in rows:
        lines.append(f"{title:18}" + "".join(f"{figure(getattr(s, key)):>24}" for s in summaries))
    lines.append(f"{'folds':18}" + "".join(f"{s.folds_text():>24}" for s in summaries))
    lines.append(f"{'time (min)':18}" + "".join(f"{s.elapsed_s / 60:>24.1f}" for s in summaries))
    lines.append(f"{'training (min)':18}" + "".join(f"{s.trained_s / 60:>24.1f}" for s in summaries))
    better = max(summaries, key=lambda s: (s.intent_macro_f1, s.entity_micro_f1 or 0))
    lines.append(f"better on intent macro F1: {better.label}")
    text = "\n".join(lines)
    print("\nComparison\n" + text)
    (out_dir / "comparison.txt").write_text(text + "\n")


def previous(out_dir: Path, fingerprint_: str, folds_run: int) -> Optional[Summary]:
    path = out_dir / "summary.json"
    if not path.exists() or not (out_dir / "intent_confusion_matrix.png").exists():
        return None
    record = json.loads(path.read_text())
    if record.get("fingerprint") != fingerprint_ or (record.get("folds_run") or record["folds"]) != folds_run:
        return None
    record.pop("fold_timings", None)
    return Summary(**record)
