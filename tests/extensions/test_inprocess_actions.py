"""The custom actions run inside the Rasa server (extensions/inprocess_actions.py) as an action
server would run them: the same events and messages back, the same errors, nothing shared."""

from __future__ import annotations

import asyncio
import sys
import textwrap

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from extensions import inprocess_actions
from extensions.inprocess_actions import InProcessActions

ACTIONS = """
from rasa_sdk import Action
from rasa_sdk.events import SlotSet
from rasa_sdk.interfaces import ActionExecutionRejection


class Answer(Action):
    def name(self):
        return "action_answer"

    def run(self, dispatcher, tracker, domain):
        message = tracker.latest_message
        message["text"] = "changed by the action"  # its own copies: Rasa's tracker keeps them
        tracker.events[-1]["parse_data"]["intent"]["name"] = "changed"
        dispatcher.utter_message(text=f"You asked: {tracker.get_slot('topic')}")
        return [SlotSet("topic", "pay")]


class Refuse(Action):
    def name(self):
        return "action_refuse"

    def run(self, dispatcher, tracker, domain):
        raise ActionExecutionRejection("action_refuse", "not now")


class Broken(Action):
    def name(self):
        return "action_broken"

    def run(self, dispatcher, tracker, domain):
        raise ValueError("a bug")
"""

DOMAIN = Domain.from_yaml(
    textwrap.dedent("""
    version: "3.1"
    intents: [greet]
    slots:
      topic:
        type: text
        mappings: [{type: custom}]
    actions: [action_answer, action_refuse, action_broken, action_missing]
""")
)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("package")
    (folder / "coach_test_actions.py").write_text(ACTIONS)
    sys.path.insert(0, str(folder))
    yield InProcessActions("coach_test_actions")
    sys.path.remove(str(folder))


def run(endpoint, name):
    tracker = DialogueStateTracker.from_events("someone", [UserUttered("hello", {"name": "greet"})], DOMAIN.slots)
    events = asyncio.run(
        RemoteAction(name, endpoint).run(
            CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, DOMAIN
        )
    )
    return tracker, events


def test_an_action_gives_its_messages_and_events_as_over_http(endpoint):
    tracker, events = run(endpoint, "action_answer")
    assert [type(e) for e in events] == [BotUttered, SlotSet]
    assert events[0].text == "You asked: None" and events[1].key == "topic" and events[1].value == "pay"
    assert tracker.latest_message.text == "hello"  # the action changed only its own copies
    assert tracker.latest_message.intent["name"] == "greet"


@pytest.mark.parametrize(
    "name, raised",
    [
        ("action_refuse", "ActionExecutionRejection"),
        ("action_broken", "RasaException"),
        ("action_missing", "RasaException"),
    ],
)
def test_an_action_that_fails_fails_as_with_an_action_server(endpoint, name, raised):
    with pytest.raises(RasaException) as failure:
        run(endpoint, name)
    assert type(failure.value).__name__ == raised


def test_the_endpoint_read_from_endpoints_yml_runs_the_actions_here(tmp_path):
    from rasa.core.utils import AvailableEndpoints

    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text('action_endpoint:\n  url: "http://localhost:5055/webhook"\n  enable_selective_domain: true\n')
    inprocess_actions.install()
    try:
        action = AvailableEndpoints.read_endpoints(str(endpoints)).action
        assert isinstance(action, InProcessActions) and action.package == "actions"
        assert action.kwargs == {"enable_selective_domain": True}  # its settings kept
    finally:
        inprocess_actions.uninstall()
    assert not isinstance(AvailableEndpoints.read_endpoints(str(endpoints)).action, InProcessActions)


def test_the_server_runs_actions_here_unless_told_to_use_an_action_server():
    sys.path.insert(0, "scripts")
    try:
        import serve
    finally:
        sys.path.remove("scripts")
    assert serve.actions_mode({}) == "inprocess"
    assert serve.actions_mode({"ACTIONS": "server"}) == "server"
    with pytest.raises(serve.SettingError):
        serve.actions_mode({"ACTIONS": "remote"})
