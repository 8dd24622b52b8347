"""NLU cross-validation: how well the model understands phrasings it was not trained on.

    python eval/crossval.py             # config.yml, 5 folds -> results/crossval/
    python eval/crossval.py --compare   # also the pipeline with (or without) spaCy's vectors

This is `rasa test nlu --cross-validation` done fold by fold, so that each fold's training
waits on the shared training lock (other trainings on the machine run between folds) and
every run splits the data the same way (a fixed seed), which makes two pipelines comparable.
The report is Rasa's own: intent_report.json, the entity extractor's report
(StoredCRFEntityExtractor_report.json: per-entity precision, recall and F1), intent_confusion_matrix.png,
the error lists, and a summary
(summary.md, summary.json) with the goals. A run whose config, data and settings are
unchanged since the last one is reused, unless --fresh.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

# Before Rasa is imported: quiet TensorFlow and the per-epoch progress bars.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = Path(__file__).resolve().parent.parent
# The config names the project's own components (components.*), which `rasa` finds from the
# project folder; a script's folder is what Python searches instead.
sys.path.insert(0, str(ROOT))
OUT_DIR = ROOT / "results" / "crossval"
SPACY_MODEL = "en_core_web_md"
TRAIN_LOCK = Path(os.environ.get("TRAIN_LOCK", "/tmp/coach-train.lock"))

INTENT_MACRO_F1_GOAL = 0.95
ENTITY_F1_GOAL = 0.90
# The trainable entity extractors whose F1 is reported (whichever the config has).
ENTITY_EXTRACTORS = ("StoredCRFEntityExtractor", "CRFEntityExtractor", "DIETClassifier")
SPACY_COMPONENTS = {"SpacyNLP", "SpacyTokenizer", "SpacyFeaturizer", "SpacyEntityExtractor", "SpacyDocEntityExtractor"}
# Rasa's evaluation undoes the FallbackClassifier's prediction, by deep-copying the whole
# parse (spaCy's document and vocabulary included), which makes each such message take
# seconds. The folds are trained without it: the intents it would have replaced are the same.
LEFT_OUT_OF_FOLDS = {"FallbackClassifier"}


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


# -- configs --------------------------------------------------------------------------------
def uses_spacy(config_path: Path) -> bool:
    import rasa.shared.utils.io

    return _has_spacy(rasa.shared.utils.io.read_yaml_file(config_path))


def _is_spacy(component: Dict[str, Any]) -> bool:
    """A part of spaCy's pipeline, Rasa's or the project's own (components.spacy_nlp.SpacyNLP)."""
    return str(component.get("name")).rsplit(".", 1)[-1] in SPACY_COMPONENTS


def _has_spacy(config: Dict[str, Any]) -> bool:
    return any(_is_spacy(c) for c in config.get("pipeline", []))


def write_spacy_variant(config_path: Path, out_path: Path) -> Path:
    """The same pipeline with spaCy if it has none, or without it if it has it.

    Without: spaCy's model, tokenizer, vectors and entities become a whitespace tokenizer. With: the
    whitespace tokenizer becomes spaCy's model (en_core_web_md), tokenizer and mean-pooled
    sentence vectors, which the classifier then reads beside the sparse features. Every other
    component keeps its settings, and the policies are untouched.
    """
    import rasa.shared.utils.io

    config = rasa.shared.utils.io.read_yaml_file(config_path)
    had_spacy = _has_spacy(config)
    pipeline = []
    for component in config.get("pipeline", []):
        name = component.get("name")
        if had_spacy and name == "SpacyTokenizer":
            pipeline.append({"name": "WhitespaceTokenizer"})
        elif not had_spacy and name == "WhitespaceTokenizer":
            pipeline += [
                {"name": "SpacyNLP", "model": SPACY_MODEL},
                {"name": "SpacyTokenizer"},
                {"name": "SpacyFeaturizer", "pooling": "mean"},
            ]
        elif not _is_spacy(component):
            pipeline.append(component)
    replaced = "WhitespaceTokenizer" if had_spacy else "SpacyTokenizer"
    if not any(c.get("name") == replaced for c in pipeline):
        raise SystemExit(
            f"crossval: {config_path} has no {'SpacyTokenizer' if had_spacy else 'WhitespaceTokenizer'} to replace"
        )
    config["pipeline"] = pipeline
    out_path.parent.mkdir(parents=True, exist_ok=True)
    rasa.shared.utils.io.write_yaml(config, out_path)
    what = (
        "spaCy's model, tokenizer, vectors and entities replaced by a whitespace tokenizer"
        if had_spacy
        else "the whitespace tokenizer replaced by spaCy's model, tokenizer and vectors"
    )
    out_path.write_text(
        f"# Generated by eval/crossval.py from {shown(config_path)}: {what}.\n# Do not edit.\n" + out_path.read_text()
    )
    return out_path


def shown(path: Path) -> str:
    """A path as the project names it (relative to the project when inside it)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def fingerprint(config_path: Path, nlu_path: Path, folds: int, seed: int) -> str:
    """Changes whenever anything that decides the result changes."""
    import rasa

    digest = hashlib.sha256(f"{rasa.__version__}|{folds}|{seed}".encode())
    digest.update(config_path.read_bytes())
    files = [nlu_path] if nlu_path.is_file() else sorted(nlu_path.rglob("*.y*ml"))
    for path in files:
        digest.update(shown(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# -- the folds: split, trained under the shared lock, scored -----------------------------------
@contextmanager
def training_lock(path: Path = TRAIN_LOCK) -> Iterator[float]:
    """Holds the same lock as `flock /tmp/coach-train.lock rasa train`; yields the wait in s."""
    started = time.perf_counter()
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield time.perf_counter() - started
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def stratified_folds(data: Any, folds: int, seed: int) -> Iterator[Tuple[Any, Any]]:
    """Rasa's generate_folds, with a seed so that every run splits the same way."""
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_index, test_index in splitter.split(examples, labels):
        parts = []
        for index in (train_index, test_index):
            parts.append(
                TrainingData(
                    training_examples=[examples[i] for i in index],
                    entity_synonyms=data.entity_synonyms,
                    regex_features=data.regex_features,
                    lookup_tables=data.lookup_tables,
                    responses=data.responses,
                )
            )
        yield parts[0], parts[1]


def _macro_f1(results: List[Any]) -> float:
    from sklearn.metrics import f1_score

    return float(
        f1_score(
            [r.intent_target for r in results], [r.intent_prediction for r in results], average="macro", zero_division=0
        )
    )


async def run_fold(
    label: str, number: int, folds: int, config_path: Path, train: Any, test: Any, work_dir: Path
) -> Tuple[List[Any], List[Any], FoldTiming]:
    """Trains on one fold's training part (holding the lock) and predicts its test part."""
    import rasa.model_training
    from rasa.core.agent import Agent
    from rasa.nlu.test import get_eval_data
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    train_file = work_dir / f"train_{number}.yml"
    RasaYAMLWriter().dump(train_file, train)
    print(f"[{label}] fold {number}/{folds}: waiting for the training lock", flush=True)
    with training_lock() as waited:
        trained_from = time.perf_counter()
        model = rasa.model_training.train_nlu(str(config_path), str(train_file), str(work_dir / f"model_{number}"))
        trained = time.perf_counter() - trained_from
    if not model:
        raise SystemExit(f"crossval: training fold {number} failed")
    evaluated_from = time.perf_counter()
    processor = Agent.load(model).processor
    fold_intents, _, fold_entities = await get_eval_data(processor, test)
    Path(model).unlink()
    timing = FoldTiming(round(waited, 1), round(trained, 1), round(time.perf_counter() - evaluated_from, 1))
    return fold_intents, fold_entities, timing


def config_for_folds(config_path: Path, work_dir: Path) -> Path:
    """The config without the components whose predictions the evaluation undoes."""
    import rasa.shared.utils.io

    config = rasa.shared.utils.io.read_yaml_file(config_path)
    config["pipeline"] = [c for c in config.get("pipeline", []) if c.get("name") not in LEFT_OUT_OF_FOLDS]
    path = work_dir / "config.yml"
    rasa.shared.utils.io.write_yaml(config, path)
    return path


async def cross_validate(
    label: str,
    config_path: Path,
    nlu_path: Path,
    out_dir: Path,
    folds: int,
    seed: int,
    fingerprint_: str,
    first_folds: int,
) -> Summary:
    from rasa.nlu.test import (
        _get_active_entity_extractors,
        drop_intents_below_freq,
        evaluate_entities,
        evaluate_intents,
    )
    from rasa.shared.importers.importer import TrainingDataImporter

    started = time.perf_counter()
    importer = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(nlu_path)], domain_path=str(ROOT / "domain.yml")
    )
    data = drop_intents_below_freq(importer.get_nlu_data(), cutoff=folds)
    out_dir.mkdir(parents=True, exist_ok=True)

    intent_results: List[Any] = []
    entity_results: List[Any] = []
    timings: List[FoldTiming] = []
    fold_f1: List[float] = []
    # Each finished fold's predictions are kept until the report is written, so a run that
    # was stopped resumes where it was (same config, data and seed).
    saved_dir = ROOT / "build" / "crossval" / f"{out_dir.name}-{fingerprint_}"
    saved_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crossval-") as work:
        work_dir = Path(work)
        # A cache of its own: fold models would only bloat the project's cache.
        os.environ["RASA_CACHE_DIRECTORY"] = str(work_dir / "cache")
        fold_config = config_for_folds(config_path, work_dir)
        for number, (train, test) in enumerate(stratified_folds(data, folds, seed), start=1):
            if number > first_folds:
                break
            saved = saved_dir / f"fold_{number}.pickle"
            if saved.exists():
                fold_intents, fold_entities, timing = pickle.loads(saved.read_bytes())
                print(f"[{label}] fold {number}/{folds}: done in an earlier run", flush=True)
            else:
                fold_intents, fold_entities, timing = await run_fold(
                    label, number, folds, fold_config, train, test, work_dir
                )
                saved.write_bytes(pickle.dumps((fold_intents, fold_entities, timing)))
            intent_results += fold_intents
            entity_results += fold_entities
            timings.append(timing)
            fold_f1.append(round(_macro_f1(fold_intents), 4))
            print(
                f"[{label}] fold {number}/{folds}: waited {timing.waited_s:.0f} s, trained "
                f"{timing.trained_s:.0f} s, evaluated {timing.evaluated_s:.0f} s, "
                f"intent macro F1 {fold_f1[-1]:.3f}",
                flush=True,
            )

    intents = evaluate_intents(
        intent_results, str(out_dir), successes=False, errors=True, disable_plotting=False, report_as_dict=True
    )
    entity_micro = entity_macro = None
    extractors = _get_active_entity_extractors(entity_results)
    extractor = next((e for e in ENTITY_EXTRACTORS if e in extractors), None)
    if entity_results and extractor:
        entities = evaluate_entities(
            entity_results,
            {extractor},
            str(out_dir),
            successes=False,
            errors=True,
            disable_plotting=False,
            report_as_dict=True,
        )
        report = entities[extractor]["report"]
        # sklearn names it "accuracy" instead when every label was predicted somewhere.
        micro = report.get("micro avg")
        entity_micro = micro["f1-score"] if micro else report.get("accuracy")
        entity_macro = report["macro avg"]["f1-score"]

    summary = Summary(
        label=label,
        config=shown(config_path),
        fingerprint=fingerprint_,
        folds=folds,
        seed=seed,
        examples=len(data.intent_examples),
        intents=len(data.intents),
        intent_macro_f1=intents["report"]["macro avg"]["f1-score"],
        intent_accuracy=intents["accuracy"],
        entity_micro_f1=entity_micro,
        entity_macro_f1=entity_macro,
        elapsed_s=round(time.perf_counter() - started, 1),
        trained_s=round(sum(t.trained_s for t in timings), 1),
        waited_s=round(sum(t.waited_s for t in timings), 1),
        fold_intent_macro_f1=fold_f1,
        finished=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        report_dir=shown(out_dir),
        folds_run=len(timings),
    )
    write_report(summary, intents["report"], out_dir, timings, extractor)
    if not summary.partial:
        shutil.rmtree(saved_dir, ignore_errors=True)
    return summary


# -- the report -----------------------------------------------------------------------------
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


# -- a stored run reused, and the command line ----------------------------------------------
def previous(out_dir: Path, fingerprint_: str, folds_run: int) -> Optional[Summary]:
    path = out_dir / "summary.json"
    if not path.exists() or not (out_dir / "intent_confusion_matrix.png").exists():
        return None
    record = json.loads(path.read_text())
    if record.get("fingerprint") != fingerprint_ or (record.get("folds_run") or record["folds"]) != folds_run:
        return None
    record.pop("fold_timings", None)
    return Summary(**record)


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
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
