"""The stored CRF: the same predictions after loading, without retraining."""
from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor

CONFIG = """
language: en
assistant_id: stored-components-test
pipeline:
  - name: WhitespaceTokenizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 2
    max_ngram: 4
  - name: components.intent_classifier.CalibratedSVMIntentClassifier
  - name: components.stored.StoredCRFEntityExtractor
policies: []
"""

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


def parse_all(model: str):
    agent = Agent.load(model)

    async def run():
        return [await agent.parse_message(q) for q in QUESTIONS]

    return asyncio.run(run())


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    work: Path = tmp_path_factory.mktemp("stored")
    (work / "config.yml").write_text(CONFIG)
    (work / "nlu.yml").write_text(NLU)
    return train_nlu(str(work / "config.yml"), str(work / "nlu.yml"), str(work / "models"))


def test_loading_does_not_train_the_crf_again(model, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("the CRF was trained while loading")

    monkeypatch.setattr(CRFEntityExtractor, "train_model", classmethod(no_training))
    parsed = parse_all(model)
    assert [p["intent"]["name"] for p in parsed] == ["ask_salary", "greet", "ask_salary", "ask_salary"]
    states = [[(e["entity"], e["value"], e["extractor"]) for e in p["entities"]] for p in parsed]
    assert states[0] == [("state", "Texas", "StoredCRFEntityExtractor")]
    assert states[2] == [("state", "Ohio", "StoredCRFEntityExtractor")]


def test_two_loads_predict_the_same(model):
    first, second = parse_all(model), parse_all(model)
    assert [p["intent_ranking"] for p in first] == [p["intent_ranking"] for p in second]
    assert [p["entities"] for p in first] == [p["entities"] for p in second]
