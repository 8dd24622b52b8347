"""The stored CRF: the same predictions after loading, without retraining."""
from __future__ import annotations

import pytest
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor

from tests.components.pipelines import parse_all, train

NLU = """
version: "3.1"
nlu:
- intent: ask_salary
  examples: |
    - what is the pay in [Texas](state)
    - salary in [Ohio](state)?
    - how much do they earn in [Florida](state)
    - what do techs make in [Texas](state)
    - pay in [Maine](state)
    - wages for this job in [Ohio](state)
- intent: greet
  examples: |
    - hello
    - hi there
    - good morning
    - hey coach
    - hiya
    - hello again
"""

QUESTIONS = ["what's the salary in Texas", "hi", "how much in Ohio", "pay in Maine?"]


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    return train(tmp_path_factory.mktemp("stored"), ["components.intent_classifier.CalibratedSVMIntentClassifier",
                                                     "components.stored.StoredCRFEntityExtractor"], NLU)


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
