"""spaCy in the pipeline: the amounts a chat types, and the entities read from SpacyNLP's document."""

from __future__ import annotations

from functools import lru_cache

import pytest
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.spacy_nlp import SpacyDocEntityExtractor, SpacyNLP, amount_patterns


@lru_cache(maxsize=1)
def spacy_model():
    return SpacyNLP.load_model("en_core_web_md")


def entities_of(text: str):
    return [(e.text, e.label_) for e in spacy_model().model(text).ents]


@pytest.mark.parametrize(
    "text, span",
    [
        ("A website said new techs start around 30k. Is that right?", "30k"),
        ("i can spend maybe 15 grand total", "15 grand"),
        ("i read they only make $37k, is that right?", "$37k"),
        ("they pay 2.5k a month there", "2.5k"),
    ],
)
def test_the_shorthand_of_a_chat_is_money(text, span):
    assert (span, "MONEY") in entities_of(text)


def test_what_spacy_finds_itself_is_kept():
    found = entities_of("someone said 22% growth in Ohio by 2030, and $35,960 a year")
    assert ("22%", "PERCENT") in found and ("Ohio", "GPE") in found and ("2030", "DATE") in found
    assert any(label == "MONEY" and "35,960" in span for span, label in found)


def test_a_retirement_plan_is_not_an_amount():
    assert not any(label == "MONEY" for _, label in entities_of("do they get a 401k"))


def test_the_patterns_are_data_a_curator_reviews():
    assert all({"label", "pattern"} <= set(p) for p in amount_patterns())


def test_the_entities_come_from_the_document_spacy_nlp_made(monkeypatch):
    model = spacy_model()
    message = Message({TEXT: "how much in Ohio, around 30k?"})
    message.set(SPACY_DOCS[TEXT], model.model(message.get(TEXT)))
    extractor = SpacyDocEntityExtractor({"dimensions": ["MONEY", "GPE"]})
    monkeypatch.setattr(model, "model", None)  # parsing again would fail
    extractor.process([message], model)
    assert [(e["entity"], e["value"], e["extractor"]) for e in message.get(ENTITIES)] == [
        ("GPE", "Ohio", "SpacyDocEntityExtractor"),
        ("MONEY", "30k", "SpacyDocEntityExtractor"),
    ]


def test_the_models_graph_nodes_share_one_pipeline_without_the_parts_never_used():
    config = {"model": "en_core_web_md", "case_sensitive": True}
    provider = SpacyNLP.create(config, None, None, None)
    parser = SpacyNLP.create(dict(config), None, None, None)
    assert provider.provide() is parser.provide()  # loaded once, not once per node
    names = provider.provide().model.pipe_names
    assert "parser" not in names and "senter" not in names
    assert names.index("amounts") < names.index("ner")
    assert provider.provide().model("pay in Ohio")[0].lemma_ == "pay"  # lemmas still made


@pytest.mark.parametrize(
    "text, part, phrase",
    [
        (
            "What would I learn in a bachelor's in HIM, and what jobs does it lead to?",
            "What would I learn in a bachelor's in HIM",
            "a bachelor's in HIM",
        ),
        ("who grades the CCA exam and how hard is it", "who grades the CCA exam", "the CCA exam"),
        ("what do they earn and is it worth it", "what do they earn", ""),  # no noun phrase at all
        (
            "what does a senior coder earn and what do they do all day",
            "what does a senior coder earn",
            "a senior coder",
        ),  # ends on a verb: its subject
    ],
)
def test_the_noun_phrase_a_part_of_a_message_ends_on(text, part, phrase):
    from components.fact_ranker import last_noun_phrase

    assert last_noun_phrase(spacy_model().model(text), text, part) == phrase
