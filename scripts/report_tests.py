"""Prints the figures of a `rasa test` run: conversations passed, intent and entity scores."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    return json.loads(path.read_text()) if path.is_file() else {}


def main(results: Path) -> int:
    stories = load(results / "stories" / "story_report.json")
    failed_file = results / "stories" / "failed_test_stories.yml"
    failed_text = failed_file.read_text() if failed_file.is_file() else ""
    failed = failed_text.count("- story:")
    conversations = stories.get("conversation_accuracy", {})
    total = conversations.get("total") or 0
    correct = conversations.get("correct") or (total - failed if total else 0)
    intents = load(results / "nlu" / "intent_report.json")
    # the report of the model's trained entity extractor (scripts/test_stories.sh clears older
    # ones); spaCy's own entities (MONEY, DATE...) are not what tests/nlu annotates
    reports = sorted(
        (results / "nlu").glob("*EntityExtractor_report.json"), key=lambda path: path.name.startswith("SpacyDoc")
    ) + sorted((results / "nlu").glob("DIETClassifier_report.json"))
    entities = load(reports[0]) if reports else {}
    print("conversations (tests/stories):", f"{correct} of {total} passed" if total else "no report")
    if intents:
        macro = intents.get("macro avg", {})
        print(
            f"held-out NLU (tests/nlu): intent accuracy {intents.get('accuracy', 0):.3f}, "
            f"macro F1 {macro.get('f1-score', 0):.3f}"
        )
        worst = sorted(
            (
                (v["f1-score"], k)
                for k, v in intents.items()
                if isinstance(v, dict) and "f1-score" in v and k not in ("macro avg", "weighted avg", "micro avg")
            )
        )[:5]
        print("  weakest intents:", ", ".join(f"{k} {f:.2f}" for f, k in worst))
    if entities:
        macro = entities.get("macro avg", {})
        micro = entities.get("micro avg", entities.get("weighted avg", {}))
        print(
            f"held-out NLU entities: macro F1 {macro.get('f1-score', 0):.3f}, micro F1 {micro.get('f1-score', 0):.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "results")))
