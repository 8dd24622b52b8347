"""Five of Rasa 3.6's per-message costs, removed without changing what Rasa does.

Installed when the Rasa server loads this package's channels (`channels/__init__.py`), that is
in every `rasa run` with the project's credentials.yml. `bench/profile_request.py --functions 40`
shows where a message's time goes, before and after.

1. The check of every action server reply, with the schema compiled once.

For each custom action it runs, the Rasa server checks the action server's reply against the
response schema (`RemoteAction._validate_action_result`). Rasa 3.6 does it with
`jsonschema.validate`, which first checks the schema itself against JSON Schema's meta-schema
and builds a new validator, on every call: about 22 ms of CPU for this coach's replies, the
largest single cost of a message (`bench/profile_request.py --functions 40` shows it).

`install()` replaces that method with one that checks the same reply against the same schema
with a validator built once. An invalid reply is still refused with the same `ValidationError`
and message.

Even compiled, the check walks each returned event through all of the schema's ~30 `oneOf`
branches, one per event type (3.7 ms for a reply of a dozen slots and a message). Each branch
is told apart by its `"event": {"const": ...}`, so an event can only ever match the branch of
its own name: the fast path checks each event against the shared part of the item schema and
that one branch, and the rest of the reply against the schema without the items. Only when
the fast path finds the reply valid is it taken as valid; anything else goes through the full
check, which gives Rasa's own error.

2. Finding an event's class by its type name, remembered.

Reading a conversation back from the tracker store, or the events an action returns, turns each
stored event into its class with `Event.resolve_by_type`, which walks every subclass of `Event`
(about 60, found again by recursion each time) for each event: some 0.1 ms an event, and a
conversation has dozens. `resolve_by_type` remembers each class it found; unknown names still
go to Rasa's own lookup (which raises, or gives the default, as before).

3. A slot's copy, made directly.

Every new tracker copies each of the domain's slots with `copy.copy` (`DialogueStateTracker.__init__`),
and the policies build several trackers a message (`init_copy`, `generate_all_prior_trackers`):
with this domain's 29 slots, some 230 copies a message through `copy`'s generic
`__reduce_ex__` and `_reconstruct`. `Slot.__copy__` makes the same shallow copy (a new object
of the same class sharing the attribute values) in a third of the time.

4. The model's graph, run in order without dask.

A message runs the model's graph three times (the NLU, then the policies once per action
predicted). `DaskGraphRunner.run` builds a dask graph of the nodes the targets need and hands it
to `dask.get`, which orders it (`dask.order`, graph metrics included) and schedules each node
through its local executor, every time; the nodes are plain synchronous calls. `run_in_order`
finds, once per set of targets, the nodes they need in an order where each comes after the
nodes it reads, and calls them one after another with what dask would have given them: an
input as `(name, value)`, a node's output as `(node name, output)`, and the bare name for a need
nothing provides (which the node then reports, as under dask).

5. The rules' states, read once, and looked up by what the latest state requires.

RulePolicy finds the rules that fit a conversation by checking each rule against each of the
conversation's states, newest first (`_is_rule_applicable`, some 200 calls a prediction, two
predictions a message). Each call parses the rule's JSON key (cached), copies it into a reversed
list, and turns each list value into a tuple again. `is_rule_applicable` keeps each rule's
states reversed and with tuples, made once per rule key, and checks them with the same
conditions. `possible_keys` checks only the rules whose latest state could fit the conversation's
latest (a rule that requires another previous action or intent cannot), found in an index by
those two, then filters turn by turn as Rasa does and stops once no rule is left.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any, Dict, Optional, Text, Tuple, Type

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.core.policies.rule_policy import RulePolicy
from rasa.shared.core.constants import PREVIOUS_ACTION, SHOULD_NOT_BE_SET
from rasa.engine.exceptions import GraphRunError
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.shared.core.slots import Slot

_ORIGINAL_VALIDATE = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE = Event.resolve_by_type
_ORIGINAL_RUN = DaskGraphRunner.run
_ORIGINAL_APPLICABLE = RulePolicy._is_rule_applicable
_ORIGINAL_POSSIBLE_KEYS = RulePolicy._get_possible_keys
_EVENT_CLASSES: Dict[Text, Type[Event]] = {}


@lru_cache(maxsize=1)
def reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


@lru_cache(maxsize=1)
def event_validators() -> Tuple[Any, Any, Dict[Text, Any]]:
    """The reply without its events' items, an event's shared part, and each event type's branch."""
    schema = copy.deepcopy(RemoteAction.action_response_format_spec())
    cls = validators.validator_for(schema)
    item = schema["properties"]["events"].pop("items")
    branches: Dict[Text, Any] = {}
    for branch in item.pop("oneOf"):
        name = branch["properties"]["event"]["const"]
        # A name given by two branches would match twice (oneOf fails): leave it to the full check.
        branches[name] = None if name in branches else cls(branch)
    return cls(schema), cls(item), branches


def valid_by_event_type(result: Any) -> bool:
    """True only when the reply is valid; False means "run the full check", not "invalid"."""
    outer, shared, branches = event_validators()
    if not outer.is_valid(result):
        return False
    events = result.get("events") if isinstance(result, dict) else None
    for event in events or ():
        name = event.get("event") if isinstance(event, dict) else None
        branch = branches.get(name) if isinstance(name, str) else None
        if branch is None or not shared.is_valid(event) or not branch.is_valid(event):
            return False
    return True


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as Rasa's: True for a valid reply, else the ValidationError is raised."""
    if valid_by_event_type(result):
        return True
    error = best_match(reply_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        f". Failed to validate Action server response from API, make sure your response from "
        f"the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """Same contract as Rasa's `Event.resolve_by_type`: the class, the default, None or ValueError."""
    known = _EVENT_CLASSES.get(type_name)
    if known is not None:
        return known
    found = _ORIGINAL_RESOLVE(type_name, default)
    if found is not None and found is not default and getattr(found, "type_name", None) == type_name:
        _EVENT_CLASSES[type_name] = found
    return found


def copy_slot(self: Slot) -> Slot:
    """What `copy.copy` makes of a slot (its class, and a new `__dict__` with the same values)."""
    new = self.__class__.__new__(self.__class__)
    new.__dict__.update(self.__dict__)
    return new


def run_order(runner: DaskGraphRunner, targets: Tuple[Text, ...]) -> Tuple[Tuple[Text, Tuple[Text, ...]], ...]:
    """The nodes `targets` need, each after the nodes it reads, with the names it reads."""
    cache = runner.__dict__.setdefault("_coach_run_orders", {})
    if targets in cache:
        return cache[targets]
    nodes = runner._graph_schema.nodes
    order: list = []
    placed: set = set()

    def place(name: Text, path: Tuple[Text, ...]) -> None:
        if name in placed or name not in nodes:  # done, or an input: nothing to run
            return
        if name in path:
            raise GraphRunError(f"The graph has a cycle through '{name}'.")
        needs = tuple(nodes[name].needs.values())
        for need in needs:
            place(need, path + (name,))
        placed.add(name)
        order.append((name, needs))

    for target in targets:
        place(target, ())
    cache[targets] = tuple(order)
    return cache[targets]


def run_in_order(
    self: DaskGraphRunner, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[Any] = None
) -> Dict[Text, Any]:
    """Same contract as `DaskGraphRunner.run`: each target's name and output."""
    run_targets = tuple(targets if targets else self._graph_schema.target_names)
    order = run_order(self, run_targets)
    values: Dict[Text, Any] = {}
    for name, value in (inputs or {}).items():
        if isinstance(value, str) and any(value == node for node, _ in order):
            raise GraphRunError(
                f"Input value '{value}' clashes with a node name. Make sure that none of the input "
                f"names passed to the `run` method are the same as node names in the graph schema."
            )
        values[name] = (name, value)
    try:
        for name, needs in order:
            values[name] = self._instantiated_nodes[name](*(values.get(need, need) for need in needs))
    except RuntimeError as error:  # as DaskGraphRunner.run does
        raise GraphRunError("Error running runner.") from error
    return dict(values[target] for target in run_targets)


@lru_cache(maxsize=None)  # one entry per rule key of the loaded model(s)
def reversed_rule_states(rule_key: Text) -> Tuple[Dict[Text, Dict[Text, Any]], ...]:
    """A rule's states newest first, each list value a tuple (as `_does_rule_match_state` compares)."""
    return tuple(
        {
            kind: {key: tuple(value) if isinstance(value, list) else value for key, value in sub_state.items()}
            for kind, sub_state in state.items()
        }
        for state in reversed(RulePolicy._rule_key_to_state(rule_key))
    )


def rule_state_matches(rule_state: Dict[Text, Dict[Text, Any]], conversation_state: Dict[Text, Any]) -> bool:
    """`RulePolicy._does_rule_match_state` for a state from `reversed_rule_states`."""
    for kind, rule_sub_state in rule_state.items():
        conversation_sub_state = conversation_state.get(kind, {})
        for key, expected in rule_sub_state.items():
            found = conversation_sub_state.get(key)
            if expected == SHOULD_NOT_BE_SET:
                if found and found != SHOULD_NOT_BE_SET:
                    return False
            elif expected and found != expected:
                return False
    return True


def is_rule_applicable(self: RulePolicy, rule_key: Text, turn_index: int, conversation_state: Dict) -> bool:
    """Same answer as `RulePolicy._is_rule_applicable`."""
    states = reversed_rule_states(rule_key)
    if turn_index >= len(states):
        return True
    rule_state = states[turn_index]
    current_previous_action = conversation_state.get(PREVIOUS_ACTION)
    rule_previous_action = rule_state.get(PREVIOUS_ACTION)
    if not rule_previous_action and not current_previous_action:
        return True
    if not rule_previous_action or not current_previous_action:
        return False
    return rule_state_matches(rule_state, conversation_state)


def _required(state: Dict[Text, Any], kind: Text, key: Text) -> Optional[Text]:
    """The value a rule's state requires of `kind`'s `key`, or None when any value passes."""
    value = (state.get(kind) or {}).get(key)
    return value if isinstance(value, str) and value and value != SHOULD_NOT_BE_SET else None


_INDEXES: Dict[int, Tuple[Dict[Text, Text], int, Dict[Tuple, list], list]] = {}


def latest_state_index(lookup: Dict[Text, Text]) -> Tuple[Dict[Tuple, list], list]:
    """The lookup's rule keys by the previous action and the intent their latest state requires
    (None: any), and the keys whose latest state starts a conversation (no previous action);
    made again when the lookup is another dict or has other keys (training builds it up)."""
    known = _INDEXES.get(id(lookup))
    if known is not None and known[0] is lookup and known[1] == len(lookup):
        return known[2], known[3]
    index: Dict[Tuple, list] = {}
    starts = []
    for key in lookup:
        latest = reversed_rule_states(key)[0]
        if not latest.get(PREVIOUS_ACTION):
            starts.append(key)
            continue
        needs = (_required(latest, PREVIOUS_ACTION, "action_name"), _required(latest, "user", "intent"))
        index.setdefault(needs, []).append(key)
    _INDEXES[id(lookup)] = (lookup, len(lookup), index, starts)
    return index, starts


def possible_keys(self: RulePolicy, lookup: Dict[Text, Text], states: list) -> set:
    """Same answer as `RulePolicy._get_possible_keys`. A rule whose latest state requires another
    previous action or intent than the conversation's latest cannot fit it, so only the others
    (looked up by the two) are checked, as Rasa checks them, turn by turn."""
    if not states:
        return set(lookup.keys())
    index, starts = latest_state_index(lookup)
    latest = states[-1]
    action = (latest.get(PREVIOUS_ACTION) or {}).get("action_name")
    intent = (latest.get("user") or {}).get("intent")
    action, intent = (v if isinstance(v, str) else None for v in (action, intent))  # else no rule requires it
    keys = set(starts)
    for needs in {(a, i) for a in (action, None) for i in (intent, None)}:
        keys.update(index.get(needs, ()))
    for position, state in enumerate(reversed(states)):
        if not keys:
            break
        keys = {key for key in keys if self._is_rule_applicable(key, position, state)}
    return keys


def install() -> None:
    DaskGraphRunner.run = run_in_order  # type: ignore[assignment]
    Slot.__copy__ = copy_slot  # type: ignore[attr-defined]
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]
    RulePolicy._is_rule_applicable = is_rule_applicable  # type: ignore[assignment]
    RulePolicy._get_possible_keys = possible_keys  # type: ignore[assignment]


def uninstall() -> None:
    DaskGraphRunner.run = _ORIGINAL_RUN  # type: ignore[assignment]
    RemoteAction._validate_action_result = _ORIGINAL_VALIDATE  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(_ORIGINAL_RESOLVE)  # type: ignore[assignment]
    RulePolicy._is_rule_applicable = _ORIGINAL_APPLICABLE  # type: ignore[assignment]
    RulePolicy._get_possible_keys = _ORIGINAL_POSSIBLE_KEYS  # type: ignore[assignment]
    _EVENT_CLASSES.clear()
    if "__copy__" in Slot.__dict__:
        del Slot.__copy__


__all__ = [
    "ValidationError",
    "copy_slot",
    "install",
    "is_rule_applicable",
    "possible_keys",
    "uninstall",
    "reply_validator",
    "resolve_by_type",
    "run_in_order",
    "run_order",
    "valid_by_event_type",
    "validate_action_result",
]
