"""Ranks the curated facts for every message, by meaning and by words (knowledge/retrieval.py).

At training the component reads the knowledge files, embeds every fact's documents with
all-MiniLM-L6-v2 (components/minilm.py) and stores the index in the model (numpy arrays
without pickle, and JSON). For each message it embeds the text once and adds `facts`, the best
facts with their scores, to the parse data, where the actions weigh them with the intent's
topic, the entities and the conversation. The message's vector is computed here only, never
again in the action server.

The knowledge files are an input of the model: editing a fact trains this component again
(`fingerprint_addon` hashes them), and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import code_fingerprint
from components.minilm import DEFAULT_MODEL_DIR, MiniLM
from knowledge.retrieval import completed_parts, question_parts, topic_labels, without_career_name

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
FACTS_KEY = "facts"
PARTS_KEY = "fact_parts"
MAX_PARTS = 3
PART_TOP = 15
# Messages longer than this are ranked on their start (the encoder reads 256 tokens anyway).
MAX_CHARS = 2000


def as_output(ranked) -> List[Dict[str, Any]]:
    return [{"id": r.id, "score": round(r.score, 3)} for r in ranked]


# The words a noun phrase is made of, by spaCy's part-of-speech tags ("a bachelor's in HIM").
PHRASE_TAGS = {"DET", "ADJ", "NOUN", "PROPN", "ADP", "PART", "NUM", "CCONJ"}
PHRASE_HEAD = {"DET", "ADJ", "NOUN", "PROPN", "NUM"}
MAX_PHRASE_WORDS = 7


def last_noun_phrase(doc, text: str, part: str) -> str:
    """The noun phrase a part of the message ends on ("What would I study in a bachelor's in HIM"
    -> "a bachelor's in HIM"), else its first one, its subject ("What does a senior tech earn" ->
    "a senior tech"), by the tags of the message's spaCy doc; "" when it has none."""
    start = text.find(part)
    if doc is None or start < 0:
        return ""
    tokens = [t for t in doc if start <= t.idx < start + len(part) and not t.is_punct]
    if (
        tokens
        and not any(t.pos_ == "VERB" for t in tokens)
        and any(t.lower_ in ("do", "does", "did") for t in tokens[:3])
    ):
        tokens = tokens[:-1]  # "what does a senior coder earn": the last word is the verb, whatever its tag
        return first_phrase(doc, tokens)
    return trailing_phrase(doc, tokens) or first_phrase(doc, tokens)


def first_phrase(doc, tokens) -> str:
    """The first run of determiners, adjectives and nouns that holds a noun ("a senior tech")."""
    run = []
    for token in tokens + [None]:
        if token is not None and token.pos_ in PHRASE_HEAD and token.tag_ not in ("WDT", "WP", "WRB"):
            run.append(token)
            continue
        if any(t.pos_ in ("NOUN", "PROPN") for t in run) and len(run) <= MAX_PHRASE_WORDS:
            return doc.text[run[0].idx : run[-1].idx + len(run[-1].text)]
        run = []
    return ""


def trailing_phrase(doc, tokens) -> str:
    phrase = []
    for token in reversed(tokens):
        if token.pos_ not in PHRASE_TAGS or token.tag_ in ("WDT", "WP", "WRB"):
            break
        phrase.insert(0, token)
    while phrase and phrase[0].pos_ not in PHRASE_HEAD:  # "in a bachelor's": the phrase starts at "a"
        phrase.pop(0)
    if not phrase or len(phrase) > MAX_PHRASE_WORDS or not any(t.pos_ in ("NOUN", "PROPN") for t in phrase):
        return ""
    return doc.text[phrase[0].idx : phrase[-1].idx + len(phrase[-1].text)]


def knowledge_fingerprint(facts_dir: Path) -> str:
    """The facts and the topics' labels, which lead the facts' documents (the topics' other
    settings do not change the ranking)."""
    digest = hashlib.sha256()
    for path in sorted(facts_dir.glob("*.yml")):
        digest.update(path.name.encode() + path.read_bytes())
    digest.update(json.dumps(topic_labels(), sort_keys=True).encode())
    return digest.hexdigest()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class FactRanker(GraphComponent):
    """Adds the ranked facts (`facts`: [{"id", "score"}...]) to each parsed message."""

    _encoders: Dict[str, MiniLM] = {}

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # precision: the encoder's int8 graph (components/minilm_onnx.py has its measures) or "float".
        return {"model_dir": None, "facts_dir": "knowledge/facts", "top": 40, "precision": "int8"}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors", "scipy"]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """This code, the encoder's and the knowledge files."""
        facts_dir = ROOT / (config.get("facts_dir") or "knowledge/facts")
        return code_fingerprint(
            __file__,
            code_fingerprint(str(ROOT / "components" / "minilm.py")),
            code_fingerprint(str(ROOT / "knowledge" / "retrieval.py")),
            knowledge_fingerprint(facts_dir),
        )

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, index=None) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.index = index
        self.encoder = self.encoder_for(config)

    @classmethod
    def encoder_for(cls, config: Dict[Text, Any]) -> MiniLM:
        model_dir = str(config.get("model_dir") or DEFAULT_MODEL_DIR)
        key = f"{model_dir}:{config.get('precision', 'int8')}"
        if key not in cls._encoders:  # one encoder per process, however many graphs load it
            cls._encoders[key] = MiniLM(Path(model_dir), precision=config.get("precision", "int8"))
        return cls._encoders[key]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "FactRanker":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from knowledge.retrieval import FactIndex

        facts_dir = ROOT / self._config["facts_dir"]
        self.index = FactIndex.build(self.encoder.embed, facts_dir=facts_dir)
        with self._model_storage.write_to(self._resource) as folder:
            self.index.save(Path(folder))
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "FactRanker":
        from knowledge.retrieval import FactIndex

        # A message's products are small: one BLAS thread does them faster than two, and leaves
        # the other core to the other process (measured in README, Figures).
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
        try:
            with model_storage.read_from(resource) as folder:
                return cls(config, model_storage, resource, FactIndex.load(Path(folder)))
        except (ValueError, FileNotFoundError):
            logger.warning(f"{cls.__name__}: no fact index in the model; messages get no ranking.")
            return cls(config, model_storage, resource)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # the ranking serves the actions, not the other components' training

    def process(self, messages: List[Message]) -> List[Message]:
        if self.index is None:
            return messages
        for message in messages:
            text = (message.get(TEXT) or "")[:MAX_CHARS]
            if not text.strip():
                continue
            parts = completed_parts(
                question_parts(text)[:MAX_PARTS],
                lambda part: last_noun_phrase(message.get(SPACY_DOCS[TEXT]), text, part),
            )
            vectors = self.encoder.embed([without_career_name(t) for t in [text] + parts])
            ranked = self.index.rank(text, vectors[0], int(self._config["top"]))
            message.set(FACTS_KEY, as_output(ranked), add_to_output=True)
            if parts:  # a message asking two things: each part ranked on its own too
                message.set(
                    PARTS_KEY,
                    [as_output(self.index.rank(part, vector, PART_TOP)) for part, vector in zip(parts, vectors[1:])],
                    add_to_output=True,
                )
        return messages
