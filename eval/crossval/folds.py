"""The folds: the run's fingerprint, the data split with a seed, each fold trained under the shared
training lock and scored, and the whole scored with Rasa's own evaluation."""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, List, Tuple

from eval.crossval import ROOT, shown
from eval.crossval.configs import config_for_folds
from eval.crossval.report import FoldTiming, Summary, write_report

TRAIN_LOCK = Path(os.environ.get("TRAIN_LOCK", "/tmp/coach-train.lock"))
# The trainable entity extractors whose F1 is reported (whichever the config has).
ENTITY_EXTRACTORS = ("StoredCRFEntityExtractor", "CRFEntityExtractor", "DIETClassifier")


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
        # Every active extractor, as `rasa test nlu` passes them: Rasa sorts each prediction by its
        # extractor and fails on one it was not given (spaCy's MONEY, DATE... from SpacyDocEntityExtractor).
        entities = evaluate_entities(
            entity_results,
            extractors,
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
