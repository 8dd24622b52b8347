"""Rasa 3.6's CRF entity extractor, stored so that loading it is quick.

`CRFEntityExtractor` keeps only its training data in the model and trains the CRF again
every time the model is loaded: 15 s of a start with 8,500 examples. `StoredCRFEntityExtractor`
keeps the trained CRFs in the model instead (sklearn-crfsuite's CRF objects pickle with their
model), so loading is reading a file.

Training and predictions are the parent's own: the same model comes out of the same data.
It reads models written by itself only (a model is trusted code, as Rasa's own pickled
components are); `make train` writes them.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import joblib
import rasa.shared.utils.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken

from components import code_fingerprint

logger = logging.getLogger(__name__)

CRF_FILE = "crf_taggers.joblib"
CRF_ORDER_FILE = "crf_order.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """CRFEntityExtractor whose trained CRFs are stored in the model, not trained at load."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return code_fingerprint(__file__)

    def persist(self, dataset: List[List[CRFToken]]) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            joblib.dump(self.entity_taggers, model_dir / CRF_FILE)
            rasa.shared.utils.io.dump_obj_as_json_to_file(model_dir / CRF_ORDER_FILE, self.crf_order)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "StoredCRFEntityExtractor":
        try:
            with model_storage.read_from(resource) as model_dir:
                if not (model_dir / CRF_FILE).exists():  # trained without any entity
                    return cls(config, model_storage, resource)
                extractor = cls(config, model_storage, resource, joblib.load(model_dir / CRF_FILE))
                extractor.crf_order = rasa.shared.utils.io.read_json_file(model_dir / CRF_ORDER_FILE)
                return extractor
        except ValueError:
            logger.warning(f"{cls.__name__}: resource '{resource.name}' is not in the model.")
            return cls(config, model_storage, resource)
