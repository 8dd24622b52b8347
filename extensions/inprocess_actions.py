"""The coach's custom actions run inside the Rasa server, without an action server beside it.

Rasa 3.6 runs every custom action by sending the conversation to an action server over HTTP
(`RemoteAction`): the Rasa server encodes the call as JSON and sends it, the action server (a
second process with its own web server) decodes it, runs the action with rasa-sdk's
`ActionExecutor` and sends the result back, which the Rasa server decodes again. For this coach
that round trip costs more CPU than most actions do (README, Figures), and a second process
with its own memory. Rasa Pro later added the same option (`actions_module`).

`InProcessActions` is an action endpoint whose `request` hands the call to rasa-sdk's executor in
this process. Everything else is Rasa's own: `RemoteAction` builds the call, checks the reply
against the response schema and turns it into events, as with a server. The call and the reply
go through a JSON round trip, so an action sees exactly what it would see over HTTP (its own
copies; tuples as lists) and cannot change the Rasa server's tracker. The executor's outcomes
become what the SDK's web server would answer: an `ActionExecutionRejection` a 400 (Rasa
then tries the next policy's prediction, as with a server), an unknown action a 404, any other
exception a 500, each raised as the `ClientResponseError` Rasa's endpoint would raise.

`scripts/serve.py` installs it unless `ACTIONS_URL` names an action server (deployments that
keep actions apart, deploy/); `install()` makes the action endpoint the Rasa server reads from
endpoints.yml an `InProcessActions` for the package `actions`.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Optional, Text

from rasa.utils.endpoints import ClientResponseError, EndpointConfig

logger = logging.getLogger(__name__)

PACKAGE = "actions"
_ORIGINAL_READ = None


def _round_trip(value: Any) -> Any:
    """What the other side of an HTTP call would decode: a copy, JSON's types, or a TypeError."""
    return json.loads(json.dumps(value))


class InProcessActions(EndpointConfig):
    """An action endpoint that runs the package's actions in this process."""

    def __init__(self, package: Text = PACKAGE, **kwargs: Any) -> None:
        super().__init__(url=f"inprocess:{package}", **kwargs)
        self.package = package
        self._executor = None

    @property
    def executor(self):
        if self._executor is None:  # imported on first use: the actions import the knowledge base
            from rasa_sdk.executor import ActionExecutor

            from actions.knowledge_check import check_knowledge

            executor = ActionExecutor()
            executor.register_package(self.package)
            if self.package == PACKAGE:
                check_knowledge()
            self._executor = executor
        return self._executor

    async def request(
        self,
        method: Text = "post",
        subpath: Optional[Text] = None,
        content_type: Optional[Text] = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Optional[Any]:
        from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

        call = _round_trip(kwargs.get("json"))
        try:
            result = await self.executor.run(call)
        except ActionExecutionRejection as error:
            raise ClientResponseError(
                400, "Bad Request", json.dumps({"error": error.message, "action_name": error.action_name})
            )
        except ActionNotFoundException as error:
            logger.error(error)
            raise ClientResponseError(
                404, "Not Found", json.dumps({"error": error.message, "action_name": error.action_name})
            )
        except Exception as error:  # as the SDK's server answers an action that raised
            logger.exception("the custom action %s raised", (call or {}).get("next_action"))
            raise ClientResponseError(500, "Internal Server Error", json.dumps({"error": str(error)}))
        return _round_trip(result)


def install(package: Text = PACKAGE) -> None:
    """The action endpoint read from endpoints.yml becomes one that runs `package` here."""
    global _ORIGINAL_READ
    import rasa.core.utils as core_utils

    if _ORIGINAL_READ is not None:
        return
    _ORIGINAL_READ = core_utils.read_endpoint_config

    def read_endpoint_config(filename: Text, endpoint_type: Text) -> Optional[EndpointConfig]:
        config = _ORIGINAL_READ(filename, endpoint_type)
        if endpoint_type != "action_endpoint":
            return config
        settings = dict(config.kwargs) if config else {}
        endpoint = InProcessActions(package, **settings)
        endpoint.executor  # the actions load with the model, not during someone's first turn
        return endpoint

    core_utils.read_endpoint_config = read_endpoint_config


def uninstall() -> None:
    global _ORIGINAL_READ
    import rasa.core.utils as core_utils

    if _ORIGINAL_READ is not None:
        core_utils.read_endpoint_config = _ORIGINAL_READ
        _ORIGINAL_READ = None
