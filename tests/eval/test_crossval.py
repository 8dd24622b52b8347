"""The cross-validation's own logic: the spaCy variant of the pipeline, the goals, reuse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from eval.crossval import configs, folds, report

ROOT = Path(__file__).resolve().parents[2]


def names(config: dict) -> list:
    return [component["name"] for component in config["pipeline"]]


def test_the_variant_of_the_project_config_takes_spacy_out_and_nothing_else(tmp_path):
    original = yaml.safe_load((ROOT / "config.yml").read_text())
    assert configs.uses_spacy(ROOT / "config.yml")  # its own SpacyNLP counts
    written = configs.write_spacy_variant(ROOT / "config.yml", tmp_path / "without_spacy.yml")
    generated = yaml.safe_load(written.read_text())

    assert names(generated)[0] == "WhitespaceTokenizer"
    assert not any(n.rsplit(".", 1)[-1].startswith("Spacy") for n in names(generated))
    kept = [c for c in original["pipeline"] if not c["name"].rsplit(".", 1)[-1].startswith("Spacy")]
    assert generated["pipeline"][1:] == kept  # every other component, with its settings
    assert generated["policies"] == original["policies"]
    assert yaml.safe_load((ROOT / "config.yml").read_text()) == original  # config.yml untouched


def test_the_variant_of_a_spacy_config_removes_spacy_and_nothing_else(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(
        "language: en\npipeline:\n  - name: SpacyNLP\n    model: en_core_web_md\n"
        "  - name: SpacyTokenizer\n  - name: SpacyFeaturizer\n"
        "  - name: DIETClassifier\n    epochs: 5\npolicies: []\n"
    )
    generated = yaml.safe_load(configs.write_spacy_variant(config, tmp_path / "out.yml").read_text())
    assert generated["pipeline"] == [{"name": "WhitespaceTokenizer"}, {"name": "DIETClassifier", "epochs": 5}]
    # and back again: the variant of the variant has the vectors
    again = yaml.safe_load(configs.write_spacy_variant(tmp_path / "out.yml", tmp_path / "again.yml").read_text())
    assert names(again) == ["SpacyNLP", "SpacyTokenizer", "SpacyFeaturizer", "DIETClassifier"]


def test_a_config_without_any_tokenizer_to_replace_is_refused(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("language: en\npipeline:\n  - name: DIETClassifier\n")
    with pytest.raises(SystemExit):
        configs.write_spacy_variant(config, tmp_path / "out.yml")


def test_fingerprint_changes_with_the_data_and_the_settings(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("pipeline: []\n")
    data = tmp_path / "nlu"
    data.mkdir()
    (data / "a.yml").write_text("nlu: []\n")
    first = folds.fingerprint(config, data, 5, 42)
    assert folds.fingerprint(config, data, 5, 42) == first
    assert folds.fingerprint(config, data, 3, 42) != first
    assert folds.fingerprint(config, data, 5, 7) != first
    (data / "a.yml").write_text("nlu: [] # edited\n")
    assert folds.fingerprint(config, data, 5, 42) != first


def test_an_earlier_run_is_reused_only_when_nothing_changed(tmp_path):
    summary = report.Summary(
        label="config.yml",
        config="config.yml",
        fingerprint="abc",
        folds=5,
        seed=42,
        examples=10,
        intents=2,
        intent_macro_f1=0.96,
        intent_accuracy=0.97,
        entity_micro_f1=0.93,
        entity_macro_f1=0.91,
        elapsed_s=60.0,
        trained_s=50.0,
        waited_s=0.0,
        fold_intent_macro_f1=[0.95, 0.97],
        finished="today",
        report_dir="results/crossval",
        folds_run=5,
    )
    report.write_report(
        summary,
        {
            "greet": {"precision": 1.0, "recall": 0.9, "f1-score": 0.95, "support": 5},
            "macro avg": {"precision": 1.0, "recall": 0.9, "f1-score": 0.95, "support": 5},
        },
        tmp_path,
        [],
        "DIETClassifier",
    )
    assert report.previous(tmp_path, "abc", 5) is None  # no confusion matrix: not a finished run
    (tmp_path / "intent_confusion_matrix.png").write_bytes(b"png")
    assert report.previous(tmp_path, "abc", 5) == summary
    assert report.previous(tmp_path, "other", 5) is None
    assert report.previous(tmp_path, "abc", 2) is None  # a partial run was asked for
    text = (tmp_path / "summary.md").read_text()
    assert "intent macro F1   0.960  (goal >= 0.95) PASS" in text
    assert "| greet | 1.000 | 0.900 | 0.950 | 5 |" in text and "macro avg |" not in text


def test_folds_train_without_the_fallback_classifier_only(tmp_path):
    original = yaml.safe_load((ROOT / "config.yml").read_text())
    folds_config = yaml.safe_load(configs.config_for_folds(ROOT / "config.yml", tmp_path).read_text())
    assert names(folds_config) == [n for n in names(original) if n != "FallbackClassifier"]


def test_a_small_run_trains_scores_and_reports_with_the_projects_pipeline(tmp_path):
    # Two intents of the real data, two folds, the project's config: spaCy's entities come out
    # of the folds beside the CRF's, and the report is still written.
    blocks = []
    for topic, intent in (("salary", "ask_salary"), ("outlook", "ask_outlook")):
        data = yaml.safe_load((ROOT / "data" / "nlu" / "topics" / f"{topic}.yml").read_text())
        block = next(b for b in data["nlu"] if b["intent"] == intent)
        lines = block["examples"].splitlines()
        annotated = [line for line in lines if "](" in line]  # "in [Texas](state)": the CRF has work
        chosen = (annotated + [line for line in lines if "](" not in line])[:20]
        blocks.append({"intent": intent, "examples": "\n".join(chosen) + "\n"})
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, sort_keys=False))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "eval.crossval", "--nlu", str(nlu), "--folds", "2", "--out", str(out), "--fresh"],
        cwd=ROOT,
        env=dict(os.environ, TRAIN_LOCK=str(tmp_path / "lock")),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["folds_run"] == 2 and summary["examples"] == 40 and summary["intents"] == 2
    assert summary["entity_micro_f1"] is not None
    assert (out / "intent_confusion_matrix.png").exists() and "intent macro F1" in done.stdout
