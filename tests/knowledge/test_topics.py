"""The topics' registry (knowledge/topics.yml): what it refuses, and the files written from it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge import topics as registry
from knowledge.schema import FACTS_DIR, TOPICS
from knowledge.topics import BEGIN, END, TopicsError, domain_with_intents, load, rules_yaml

ONE_TOPIC = {
    "volunteering": {
        "label": "Volunteering in health records",
        "answered_by": "action_answer_career",
        "words": "volunteer",
        "intents": {"ask_volunteering": {"button": "Volunteering", "aspects": ["where"], "limit": 1}},
    }
}


def written(tmp_path: Path, data) -> Path:
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_every_topic_has_its_facts_and_examples_and_the_written_files_are_current():
    assert registry.main(["--check"]) == 0
    assert set(registry.topics()) == set(TOPICS) == {path.stem for path in FACTS_DIR.glob("*.yml")}


def test_a_topic_is_read_with_its_intents_and_settings(tmp_path):
    topic = load(written(tmp_path, ONE_TOPIC))["volunteering"]
    assert topic.answered_by == "action_answer_career"
    (intent,) = topic.intents
    assert (intent.name, intent.topic, intent.button) == ("ask_volunteering", "volunteering", "Volunteering")
    assert intent.settings == {"aspects": ["where"], "limit": 1}


@pytest.mark.parametrize(
    "change, said",
    [
        (lambda t: t["intents"]["ask_volunteering"].update(limt=2), "unknown setting 'limt'"),
        (lambda t: t["intents"]["ask_volunteering"].update(limit="two"), "limit must be a int"),
        (lambda t: t["intents"]["ask_volunteering"].pop("button"), "needs a button"),
        (lambda t: t.update(words="volunteer("), "not a regular expression"),
        (lambda t: t.pop("answered_by"), "needs answered_by"),
        (
            lambda t: t["intents"]["ask_volunteering"].update(keywords=[{"pattern": "(", "aspects": ["x"]}]),
            "not a regular expression",
        ),
        (
            lambda t: t["intents"]["ask_volunteering"].update(together=[{"pattern": "and", "intent": "ask_nothing"}]),
            "together names ask_nothing",
        ),
    ],
)
def test_a_mistake_is_named_with_its_topic_and_intent(tmp_path, change, said):
    data = yaml.safe_load(yaml.safe_dump(ONE_TOPIC))
    change(data["volunteering"])
    with pytest.raises(TopicsError, match="volunteering") as error:
        load(written(tmp_path, data))
    assert said in str(error.value)


def test_an_intent_in_two_topics_is_refused(tmp_path):
    data = dict(ONE_TOPIC, other=dict(ONE_TOPIC["volunteering"], label="Other"))
    with pytest.raises(TopicsError, match="ask_volunteering is already a question of volunteering"):
        load(written(tmp_path, data))


def test_the_domain_gets_the_intents_between_its_markers_only():
    topics = {"volunteering": load_one()}
    domain = "\n".join(["intents:", "  - greet", BEGIN, "  - ask_old", END, "  - stop", ""])
    assert domain_with_intents(domain, topics).split("\n") == [
        "intents:",
        "  - greet",
        BEGIN,
        "  - ask_volunteering",
        END,
        "  - stop",
        "",
    ]
    with pytest.raises(TopicsError, match="marker"):
        domain_with_intents("intents:\n  - greet\n", topics)


def test_each_intent_gets_one_rule_to_its_topics_action():
    rules = yaml.safe_load(rules_yaml({"volunteering": load_one()}))["rules"]
    assert rules == [
        {
            "rule": "answer ask_volunteering",
            "steps": [{"intent": "ask_volunteering"}, {"action": "action_answer_career"}],
        }
    ]


def load_one():
    return registry.Topic(
        name="volunteering",
        label="Volunteering",
        answered_by="action_answer_career",
        words="volunteer",
        intents=(registry.Intent("ask_volunteering", "volunteering", "Volunteering", {}),),
    )


def test_an_out_of_date_domain_is_reported(tmp_path, monkeypatch, capsys):
    domain = tmp_path / "domain.yml"
    domain.write_text(registry.DOMAIN_FILE.read_text(encoding="utf-8").replace("  - ask_salary\n", ""))
    monkeypatch.setattr(registry, "DOMAIN_FILE", domain)
    assert registry.main(["--check"]) == 1
    assert "domain.yml is out of date: run `make topics`" in capsys.readouterr().err
