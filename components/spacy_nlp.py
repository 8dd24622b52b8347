"""Rasa's SpacyNLP with the amounts people type that spaCy's recognizer misses.

en_core_web_md (loaded once a process, without its parser) gives the tokens, lemmas and named entities
of every message. Its recognizer reads "$35,960" as MONEY and "22%" as PERCENT but not the
shorthand of a chat: "around 30k" is no entity, "15 grand" a bare CARDINAL. An EntityRuler
placed before the recognizer, with the patterns of `knowledge/amounts.yml`, marks those as
MONEY; the recognizer keeps them and finds the rest. SpacyDocEntityExtractor, below, passes
the entities of that same document to the actions (actions/quantities.py reads their values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

import yaml
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils import spacy_utils
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components import code_fingerprint

AMOUNTS_FILE = Path(__file__).resolve().parents[1] / "knowledge" / "amounts.yml"


# Parts of en_core_web_md the coach never uses: not loaded at all (Rasa only disables the parser,
# which keeps its weights in memory).
EXCLUDED = ("parser", "senter")

# One spaCy pipeline per process: the model's graph has two nodes of SpacyNLP (the one that
# provides the model and the one that parses), and each would otherwise load its own copy.
_LOADED: Dict[Tuple[Text, Tuple[Text, ...]], SpacyModel] = {}


def amount_patterns(path: Path = AMOUNTS_FILE) -> List[Dict[str, Any]]:
    return list((yaml.safe_load(path.read_text()) or {}).get("patterns") or [])


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MODEL_LOADER, DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNLP(spacy_utils.SpacyNLP):
    """SpacyNLP whose spaCy pipeline also marks the amounts of knowledge/amounts.yml.

    It keeps Rasa's class name: the recipe gives spaCy's model to the components that need it
    (SpacyTokenizer, SpacyEntityExtractor) from the node whose class is named `SpacyNLP`."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return code_fingerprint(__file__, AMOUNTS_FILE.read_text())

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**spacy_utils.SpacyNLP.get_default_config(), "exclude": list(EXCLUDED)}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpacyNLP":
        config = {**cls.get_default_config(), **config}
        model = cls.load_model(config.get("model"), config["exclude"])
        cls.ensure_proper_language_model(model.model)
        return cls(model, config)

    @staticmethod
    def load_model(spacy_model_name: Text, exclude: Sequence[Text] = EXCLUDED) -> SpacyModel:
        """The named pipeline without the excluded parts, with the amounts' ruler; one per process."""
        import spacy

        key = (spacy_model_name, tuple(exclude))
        if key not in _LOADED:
            try:
                language = spacy.load(spacy_model_name, exclude=list(exclude))
            except OSError:  # not installed: Rasa's own loader explains how to get it
                return spacy_utils.SpacyNLP.load_model(spacy_model_name)
            if "ner" in language.pipe_names:
                ruler = language.add_pipe("entity_ruler", name="amounts", before="ner")
                ruler.add_patterns(amount_patterns())
            _LOADED[key] = SpacyModel(model=language, model_name=spacy_model_name)
        return _LOADED[key]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False, model_from="SpacyNLP")
class SpacyDocEntityExtractor(SpacyEntityExtractor):
    """spaCy's named entities from the document SpacyNLP already made for the message.

    Rasa's SpacyEntityExtractor runs the whole spaCy pipeline a second time on every message
    (5.8 ms of the coach's 40, bench/profile_request.py), because SpacyNLP lowercases the text
    it parses by default, which spoils the recognizer. With `case_sensitive: true` on SpacyNLP
    (config.yml) that document is made from the text as typed, and is read here instead."""

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:  # no document for this message (an empty text): nothing to find
                continue
            found = self.filter_irrelevant_entities(
                self.add_extractor_name(self._extract_entities(doc)), self._config["dimensions"]
            )
            message.set(ENTITIES, message.get(ENTITIES, []) + found, add_to_output=True)
        return messages
