"""Dense features from WordLlama's static sentence embeddings.

WordLlama ("l2_supercat", 256 dimensions, MIT licensed) is a table of token embeddings trained
so that the mean of a sentence's token vectors is a sentence embedding: no neural network runs
at prediction time, only a tokenizer and a table lookup (about half a millisecond a message,
token vectors included). Its vectors place "cheerio, bye" nearer "see you later" than "what is
the salary" (the tests check this), which word and character n-grams cannot; in
cross-validation they added 0.013 to the intent macro F1 of this coach, and spaCy's word
vectors beside them added nothing (README, Measured understanding).

`scripts/install_sentence_vectors.sh` puts the weights and the tokenizer in
`<venv>/share/wordllama`; `model_dir` in the config points elsewhere.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components import code_fingerprint

logger = logging.getLogger(__name__)

WEIGHTS_FILE = "l2_supercat_256.safetensors"
TOKENIZER_FILE = "l2_supercat_tokenizer.json"
DEFAULT_MODEL_DIR = Path(sys.prefix) / "share" / "wordllama"


class SentenceVectors:
    """The embedding table and its tokenizer: text in, unit-length vectors out."""

    def __init__(self, model_dir: Path, dimensions: int = 256) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer as HFTokenizer

        weights, tokenizer = model_dir / WEIGHTS_FILE, model_dir / TOKENIZER_FILE
        if not weights.exists() or not tokenizer.exists():
            raise FileNotFoundError(
                f"No sentence vectors in {model_dir}: run scripts/install_sentence_vectors.sh (make install does)."
            )
        table = load_file(str(weights))["embedding.weight"]
        # The first dimensions carry the most (the model was trained to be cut this way).
        self.table = np.ascontiguousarray(table[:, :dimensions], dtype=np.float32)
        self.tokenizer = HFTokenizer.from_file(str(tokenizer))
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()

    @staticmethod
    def _unit(vectors: np.ndarray) -> np.ndarray:
        norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def embed(self, texts: List[str]) -> np.ndarray:
        """One unit vector per text, the mean of its token vectors (zeros for an empty text)."""
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for row, encoding in enumerate(self.tokenizer.encode_batch(texts, add_special_tokens=False)):
            if encoding.ids:
                out[row] = self.table[encoding.ids].mean(axis=0)
        return self._unit(out)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceVectorFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a sentence vector for the whole text, and one for each token, to every message."""

    _vectors_by_dir: Dict[tuple, SentenceVectors] = {}

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> List[Text]:
        return ["tokenizers", "safetensors"]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "model_dir": None, "dimensions": 256}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        model_dir = Path(self._config["model_dir"] or DEFAULT_MODEL_DIR)
        key = (str(model_dir), int(self._config["dimensions"]))
        if key not in self._vectors_by_dir:  # one table per process, however many graphs load it
            self._vectors_by_dir[key] = SentenceVectors(model_dir, key[1])
        self.vectors = self._vectors_by_dir[key]

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        """This code and the vectors it reads."""
        weights = Path(config.get("model_dir") or DEFAULT_MODEL_DIR) / WEIGHTS_FILE
        stamp = f"{weights.stat().st_size}:{weights.stat().st_mtime_ns}" if weights.exists() else "missing"
        return code_fingerprint(__file__, stamp)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SentenceVectorFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if not 1 <= int(config.get("dimensions", 256)) <= 256:
            raise ValueError("SentenceVectorFeaturizer: dimensions must be between 1 and 256.")

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._featurize(message)
        return messages

    def _featurize(self, message: Message) -> None:
        text: Optional[str] = message.get(TEXT)
        tokens = message.get(TOKENS_NAMES[TEXT])
        if not text or not tokens:
            return
        vectors = self.vectors.embed([text] + [token.text for token in tokens])
        message.add_features(Features(vectors[1:], FEATURE_TYPE_SEQUENCE, TEXT, self._identifier))
        message.add_features(Features(vectors[:1], FEATURE_TYPE_SENTENCE, TEXT, self._identifier))
