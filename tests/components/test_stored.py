"""The stored CRF: the same predictions after loading, without retraining, from weights kept as data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sklearn_crfsuite
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor

from components.crf_weights import CRFWeights
from tests.components.pipelines import ENTITY_NLU, parse_all, train

QUESTIONS = ["what's the salary in Texas", "hi", "how much in Ohio", "pay in Maine?"]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return train(
        tmp_path_factory.mktemp("stored"),
        ["components.intent_classifier.CalibratedSVMIntentClassifier", "components.stored.StoredCRFEntityExtractor"],
        ENTITY_NLU,
    )


def test_loading_does_not_train_the_crf_again(model, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("the CRF was trained while loading")

    monkeypatch.setattr(CRFEntityExtractor, "train_model", classmethod(no_training))
    parsed = parse_all(model, QUESTIONS)
    assert [p["intent"]["name"] for p in parsed] == ["ask_salary", "greet", "ask_salary", "ask_salary"]
    states = [[(e["entity"], e["value"], e["extractor"]) for e in p["entities"]] for p in parsed]
    assert states[0] == [("state", "Texas", "StoredCRFEntityExtractor")]
    assert states[2] == [("state", "Ohio", "StoredCRFEntityExtractor")]


def test_two_loads_predict_the_same(model):
    first, second = parse_all(model, QUESTIONS), parse_all(model, QUESTIONS)
    assert [p["intent_ranking"] for p in first] == [p["intent_ranking"] for p in second]
    assert [p["entities"] for p in first] == [p["entities"] for p in second]


def crf_features(sentence, rng):
    """Features of the kinds Rasa's CRF gives pycrfsuite: text, numbers, booleans, nested numbers."""
    return [
        {
            "0:low": word,
            "0:bias": "bias",
            "0:len": float(len(word)),
            "0:title": word.istitle(),
            "0:vector": {"a": float(rng.random()), "b": float(rng.random())},
            "-1:low": sentence[i - 1] if i else "BOS",
            "0:prefix": word[:2] + "é",
        }
        for i, word in enumerate(sentence)
    ]


def test_the_stored_weights_give_crfsuites_marginals():
    """The weights read out of crfsuite's model and kept as arrays, against crfsuite itself."""
    rng = np.random.default_rng(0)
    words = "what is the pay in Texas Ohio Maine salary hi hello wages for techs".split()
    states = {"Texas", "Ohio", "Maine"}
    sentences = [list(rng.choice(words, size=rng.integers(1, 9))) for _ in range(200)]
    tags = [["B-state" if w in states else "U-money" if w == "pay" else "O" for w in s] for s in sentences]
    crf = sklearn_crfsuite.CRF(algorithm="lbfgs", c1=0.1, c2=0.01, max_iterations=50, all_possible_transitions=True)
    crf.fit([crf_features(s, rng) for s in sentences], tags)
    weights = CRFWeights.from_crfsuite(Path(crf.modelfile.name))
    stored = CRFWeights.from_arrays(weights.arrays(), weights.names())
    assert stored.labels == crf.tagger_.labels()
    for _ in range(200):
        features = crf_features(list(rng.choice(words + ["unseen"], size=rng.integers(1, 13))), rng)
        expected, got = crf.predict_marginals_single(features), stored.predict_marginals_single(features)
        assert [list(token) for token in got] == [list(token) for token in expected]
        for token_got, token_expected in zip(got, expected):
            assert token_got == pytest.approx(token_expected, abs=1e-12)
