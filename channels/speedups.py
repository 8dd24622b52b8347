"""Two of Rasa 3.6's per-message costs, removed without changing what Rasa does.

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
with a validator built once (0.8 ms). An invalid reply is still refused with the same
`ValidationError` and message.

2. Finding an event's class by its type name, remembered.

Reading a conversation back from the tracker store, or the events an action returns, turns each
stored event into its class with `Event.resolve_by_type`, which walks every subclass of `Event`
(about 60, found again by recursion each time) for each event: some 0.1 ms an event, and a
conversation has dozens. `resolve_by_type` remembers each class it found; unknown names still
go to Rasa's own lookup (which raises, or gives the default, as before).
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional, Text, Type

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event

_ORIGINAL_VALIDATE = RemoteAction._validate_action_result
_ORIGINAL_RESOLVE = Event.resolve_by_type
_EVENT_CLASSES: Dict[Text, Type[Event]] = {}


@lru_cache(maxsize=1)
def reply_validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)  # once, as jsonschema.validate would on every call
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as Rasa's: True for a valid reply, else the ValidationError is raised."""
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


def install() -> None:
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def uninstall() -> None:
    RemoteAction._validate_action_result = _ORIGINAL_VALIDATE  # type: ignore[assignment]
    Event.resolve_by_type = staticmethod(_ORIGINAL_RESOLVE)  # type: ignore[assignment]
    _EVENT_CLASSES.clear()


__all__ = ["ValidationError", "install", "uninstall", "reply_validator", "resolve_by_type",
           "validate_action_result"]
