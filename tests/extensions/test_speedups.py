"""The speed-ups of extensions/speedups.py give Rasa's own answers: the action server reply check,
the lookup of an event's class and the run of the model's graph."""

from __future__ import annotations

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.engine.exceptions import GraphComponentException
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses
from rasa.utils.endpoints import EndpointConfig

from extensions import speedups

VALID = [
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "timestamp": None, "name": "topic", "value": "salary"},
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "plan_form"},
        ],
        "responses": [{"text": "Half earn more than $47,190.", "buttons": [{"title": "Yes", "payload": "/affirm"}]}],
    },
    {"responses": [{"response": "utter_back_to_flow"}]},
]
INVALID = [
    {"events": [{"event": "slot", "name": 3, "value": "x"}]},  # a slot name must be a string
    {"events": [{"name": "topic", "value": "x"}]},  # an event needs its type
    {"events": "not a list"},
    {"responses": [{"text": "hi"}, "not an object"]},
    {"events": [{"event": "user", "text": 5}]},
]


@pytest.fixture(scope="module", autouse=True)
def installed():
    """The speed-ups installed as scripts/serve.py installs them, for this module's tests only."""
    speedups.install()
    yield
    speedups.uninstall()


@pytest.fixture
def action():
    return RemoteAction("action_answer_salary", EndpointConfig("http://localhost:5055/webhook"))


def test_serving_installs_the_compiled_check():
    assert RemoteAction._validate_action_result is speedups.validate_action_result


@pytest.mark.parametrize("reply", VALID)
def test_a_valid_reply_passes_as_with_rasas_own_check(action, reply):
    jsonschema.validate(reply, RemoteAction.action_response_format_spec())  # Rasa's verdict
    assert action._validate_action_result(reply) is True


@pytest.mark.parametrize("reply", INVALID)
def test_an_invalid_reply_is_refused_as_by_rasas_own_check(action, reply):
    speedups.uninstall()
    try:
        with pytest.raises(ValidationError) as rasas:
            action._validate_action_result(reply)
    finally:
        speedups.install()
    with pytest.raises(ValidationError) as ours:
        action._validate_action_result(reply)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_the_validator_is_built_once():
    assert speedups.reply_validator() is speedups.reply_validator()


def test_serving_installs_the_remembered_event_lookup():
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type is speedups.resolve_by_type


@pytest.mark.parametrize("name", sorted({c.type_name for c in all_subclasses(Event) if hasattr(c, "type_name")}))
def test_every_event_type_resolves_to_rasas_own_class(name):
    speedups.uninstall()
    try:
        rasas = Event.resolve_by_type(name)
    finally:
        speedups.install()
    assert Event.resolve_by_type(name) is rasas
    assert Event.resolve_by_type(name) is rasas  # and again, remembered


def test_unknown_event_types_behave_as_in_rasa():
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=BotUttered) is BotUttered
    assert Event.resolve_by_type("topic") is None  # Rasa's old TopicSet events


def test_stored_events_come_back_as_the_same_events():
    events = [
        UserUttered("pay in texas?", {"name": "ask_salary", "confidence": 0.9}),
        ActionExecuted("action_answer_salary"),
        BotUttered("Half earn more than $47,190."),
        SlotSet("scope", "Texas"),
    ]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


TRICKY = INVALID + [
    {"events": [{"event": ["slot"], "name": "topic", "value": "x"}]},  # an unhashable type name
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "topic", "value": "x", "timestamp": "noon"}]},  # shared part
    {"events": [{"event": "bot", "text": "hi"}, 7]},
    {"events": [{"event": "slot", "name": "topic"}]},  # the slot branch requires a value
    [],
]


@pytest.mark.parametrize("reply", VALID + TRICKY)
def test_the_check_by_event_type_never_passes_what_rasas_check_refuses(reply):
    rasas = jsonschema.Draft202012Validator(RemoteAction.action_response_format_spec()).is_valid(reply)
    assert speedups.valid_by_event_type(reply) == rasas


def test_the_events_actions_return_take_the_check_by_event_type():
    from rasa.shared.core.events import ActiveLoop, FollowupAction, Restarted, SessionStarted

    events = [
        SlotSet("topic", "salary"),
        BotUttered("Half earn more than $47,190.", {"buttons": []}),
        ActionExecuted("action_listen"),
        UserUttered("hi", {"name": "greet", "confidence": 1.0}),
        FollowupAction("plan_form"),
        ActiveLoop(None),
        Restarted(),
        SessionStarted(),
    ]
    reply = {"events": [event.as_dict() for event in events], "responses": []}
    jsonschema.validate(reply, RemoteAction.action_response_format_spec())
    assert speedups.valid_by_event_type(reply)


def test_a_slot_is_copied_as_copy_copy_would():
    import copy

    from rasa.shared.core.domain import Domain

    domain = Domain.load("domain.yml")
    for slot in domain.slots:
        slot.value = ["a", "list"] if slot.type_name == "list" else "set"
        ours = copy.copy(slot)
        speedups.uninstall()
        try:
            generic = copy.copy(slot)
        finally:
            speedups.install()
        assert type(ours) is type(slot) and ours is not slot
        assert ours.__dict__ == generic.__dict__ == slot.__dict__
        assert all(ours.__dict__[key] is slot.__dict__[key] for key in slot.__dict__)  # shallow
        ours.value = "changed"
        assert slot.value != "changed"


class Add(GraphComponent):
    """A node that adds its base to what it reads (an unresolved need counts as 100)."""

    @classmethod
    def create(cls, config, model_storage, resource, execution_context) -> "Add":
        return cls(config)

    def __init__(self, config) -> None:
        self.base = config["base"]

    def run(self, **inputs) -> int:
        if self.base < 0:
            raise RuntimeError("a failing node")
        return self.base + sum(value if isinstance(value, int) else 100 for value in inputs.values())


def graph_runner(tmp_path, failing: bool = False) -> DaskGraphRunner:
    def node(base, **needs):
        return SchemaNode(needs=needs, uses=Add, constructor_name="create", fn="run", config={"base": base}, eager=True)

    schema = GraphSchema(
        {
            "a": node(1, x="__message__"),
            "b": node(-1 if failing else 10, x="a", y="a"),
            "c": node(100, x="a"),
            "d": node(1000, x="b", y="c", z="__tracker__"),
            "unused": node(5, x="__message__"),
        }
    )
    return DaskGraphRunner(schema, LocalModelStorage(tmp_path), ExecutionContext(schema, "test"))


@pytest.mark.parametrize("targets", [None, ["d"], ["c", "b"], ["a"], ["__message__", "c"]])
def test_the_graph_run_in_order_gives_what_dask_gives(tmp_path, targets):
    runner = graph_runner(tmp_path)
    inputs = {"__message__": 2, "__tracker__": 30}
    ours = runner.run(inputs, targets)
    speedups.uninstall()
    try:
        dasks = runner.run(inputs, targets)
    finally:
        speedups.install()
    assert ours == dasks
    assert runner.run(inputs, targets) == ours  # the second run reads the remembered order


def outcome(runner: DaskGraphRunner, inputs, targets):
    try:
        return runner.run(inputs, targets)
    except Exception as error:  # noqa: BLE001  (the kind and words of the failure are compared)
        return type(error), str(error)


@pytest.mark.parametrize(
    "inputs, targets",
    [
        ({"__message__": 2}, ["d"]),  # a need nothing provides
        ({"__message__": "a", "__tracker__": 30}, ["d"]),  # an input named like a node
    ],
)
def test_a_run_that_fails_fails_as_under_dask(tmp_path, inputs, targets):
    runner = graph_runner(tmp_path)
    ours = outcome(runner, inputs, targets)
    speedups.uninstall()
    try:
        dasks = outcome(runner, inputs, targets)
    finally:
        speedups.install()
    assert isinstance(ours, tuple) and ours == dasks


def test_a_failing_node_fails_the_run_as_under_dask(tmp_path):
    runner = graph_runner(tmp_path, failing=True)
    ours = outcome(runner, {"__message__": 2, "__tracker__": 30}, ["d"])
    speedups.uninstall()
    try:
        dasks = outcome(runner, {"__message__": 2, "__tracker__": 30}, ["d"])
    finally:
        speedups.install()
    assert ours == dasks and ours[0] is GraphComponentException


def random_state(chance, with_previous_action=True):
    """A state as Rasa's featurizer makes them, or a rule's, from a small vocabulary."""
    values = ["greet", "ask_pay", "action_listen", "utter_x", "should_not_be_set", None, ["a", "b"], "", "pay"]
    actions = ["action_listen", "action_answer_salary", "should_not_be_set", "", None]
    state = {}
    if with_previous_action and chance.random() < 0.85:
        state["prev_action"] = (
            {"action_name": chance.choice(actions)} if chance.random() < 0.9 else {"action_text": "hi"}
        )
    for kind, keys in (("user", ["intent", "entities"]), ("slots", ["topic", "place"]), ("active_loop", ["name"])):
        sub = {key: chance.choice(values) for key in keys if chance.random() < 0.6}
        if sub:
            state[kind] = sub
    return state


def test_the_rule_check_gives_rasas_answer_for_every_rule_turn_and_state():
    import json
    import random

    from rasa.core.policies.rule_policy import RulePolicy

    chance = random.Random(7)
    policy = RulePolicy.__new__(RulePolicy)  # the checks read no instance state
    rules = [
        json.dumps(
            [
                random_state(chance, with_previous_action=i > 0 or chance.random() < 0.9)
                for i in range(chance.randint(1, 4))
            ]
        )
        for _ in range(300)
    ]
    conversations = [[random_state(chance) for _ in range(chance.randint(1, 5))] for _ in range(300)]
    applicable = found = 0
    lookup = {rule: "action" for rule in rules}
    for states in conversations:
        for index, state in enumerate(reversed(states)):
            for rule in rules:
                expected = speedups._ORIGINAL_APPLICABLE(policy, rule, index, state)
                assert speedups.is_rule_applicable(policy, rule, index, state) == expected, (rule, index, state)
                applicable += expected
        expected_keys = speedups._ORIGINAL_POSSIBLE_KEYS(policy, lookup, states)
        assert speedups.possible_keys(policy, lookup, states) == expected_keys, states
        found += len(expected_keys)
    assert 0 < applicable and 0 < found  # both answers occur, and some rules fit whole conversations
    lookup[rules[0] + " "] = "another"  # a key added (as training does): the index is made again
    assert speedups.possible_keys(policy, lookup, conversations[0]) == speedups._ORIGINAL_POSSIBLE_KEYS(
        policy, lookup, conversations[0]
    )
    assert RulePolicy._is_rule_applicable is speedups.is_rule_applicable  # installed as scripts/serve.py does


def test_the_channels_install_nothing_and_serving_installs_the_speedups():
    import importlib
    import runpy

    import channels

    speedups.uninstall()
    try:
        importlib.reload(channels)
        assert RemoteAction._validate_action_result is not speedups.validate_action_result
        serve = runpy.run_path(str(speedups.__file__).replace("extensions/speedups.py", "scripts/serve.py"))
        serve["install_speedups"]()
        assert RemoteAction._validate_action_result is speedups.validate_action_result
    finally:
        speedups.install()
