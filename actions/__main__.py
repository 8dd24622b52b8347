"""The action server: `python -m actions --port 5055 --actions actions` (rasa_sdk's arguments, as
for `rasa run actions`). It says first whether the knowledge store can answer, then serves."""

from __future__ import annotations

from rasa_sdk import utils
from rasa_sdk.__main__ import main_from_args
from rasa_sdk.endpoint import create_argument_parser

from actions.knowledge_check import check_knowledge


def main() -> None:
    args = create_argument_parser().parse_args()
    utils.configure_colored_logging(args.loglevel)
    check_knowledge()
    main_from_args(args)


if __name__ == "__main__":
    main()
