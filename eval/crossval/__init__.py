"""NLU cross-validation: how well the model understands phrasings it was not trained on.

    python -m eval.crossval             # config.yml, 5 folds -> results/crossval/
    python -m eval.crossval --compare   # also the pipeline with (or without) spaCy's vectors

This is `rasa test nlu --cross-validation` done fold by fold, so that each fold's training
waits on the shared training lock (other trainings on the machine run between folds) and
every run splits the data the same way (a fixed seed), which makes two pipelines comparable.
The report is Rasa's own: intent_report.json, the entity extractor's report
(StoredCRFEntityExtractor_report.json: per-entity precision, recall and F1), intent_confusion_matrix.png,
the error lists, and a summary (summary.md, summary.json) with the goals. A run whose config,
data and settings are unchanged since the last one is reused, unless --fresh.

    configs.py    the pipeline's variant with (or without) spaCy, and the config the folds train on
    folds.py      the run's fingerprint, the seeded folds, each trained under the lock and scored
    report.py     the summary, its goals, the report files, the comparison, a stored run reused
    __main__.py   the command line
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def shown(path: Path) -> str:
    """A path as the project names it (relative to the project when inside it)."""
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)
