"""Rasa 3.6's CRF entity extractor, stored so that loading it is quick.

`CRFEntityExtractor` keeps only its training data in the model and trains the CRF again
every time the model is loaded: 15 s of a start with 8,500 examples. `StoredCRFEntityExtractor`
keeps the trained CRFs' weights in the model instead, so loading is reading a file.

Training is the parent's own, and so are the predictions: the weights are kept as plain arrays
and JSON (components/crf_weights.py, components/model_files.py), and the marginals computed
from them equal crfsuite's. Nothing in the model can run code when it is loaded; a model of
the older format, which pickled sklearn-crfsuite's CRF objects, is refused.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.nlu.constants import ENTITY_ATTRIBUTE_GROUP, ENTITY_ATTRIBUTE_ROLE, ENTITY_ATTRIBUTE_TYPE

from components import code_fingerprint
from components.crf_weights import CRFWeights
from components.model_files import ModelFileError, load_arrays, load_json, refuse_pickles, save_arrays, save_json

logger = logging.getLogger(__name__)

CRF_ORDER_FILE = "crf_order.json"
# One CRF per tag the parent trains (entity, role, group), each as arrays and names.
TAGS = (ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_ROLE, ENTITY_ATTRIBUTE_GROUP)
PICKLED_FILE = "crf_taggers.joblib"  # the older format, refused


def arrays_file(tag: str) -> str:
    return f"crf_{tag}.npz"


def names_file(tag: str) -> str:
    return f"crf_{tag}.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """CRFEntityExtractor whose trained CRFs are stored in the model, not trained at load."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return code_fingerprint(
            __file__,
            *(
                code_fingerprint(str(Path(__file__).with_name(module)))
                for module in ("crf_weights.py", "model_files.py")
            ),
        )

    def persist(self, dataset: List[List[CRFToken]]) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            for tag, crf in (self.entity_taggers or {}).items():
                weights = CRFWeights.from_crfsuite(Path(crf.modelfile.name))
                save_arrays(model_dir / arrays_file(tag), weights.arrays())
                save_json(model_dir / names_file(tag), weights.names())
            save_json(model_dir / CRF_ORDER_FILE, self.crf_order)

    @classmethod
    def read(cls, model_dir: Path) -> Dict[str, CRFWeights]:
        """The stored CRFs by tag, in the order the parent runs them."""
        name = cls.__name__
        refuse_pickles(model_dir, name, [PICKLED_FILE])
        order = load_json(model_dir / CRF_ORDER_FILE, name)
        if not isinstance(order, list) or any(tag not in TAGS for tag in order):
            raise ModelFileError(f"{name}: {CRF_ORDER_FILE} names tags other than {', '.join(TAGS)}.")
        taggers = {}
        for tag in order:
            arrays = load_arrays(model_dir / arrays_file(tag), name)
            try:
                taggers[tag] = CRFWeights.from_arrays(arrays, load_json(model_dir / names_file(tag), name))
            except (KeyError, TypeError, ValueError) as error:
                raise ModelFileError(f"{name}: the CRF for '{tag}' does not fit together ({error!r}).") from error
        return taggers

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "StoredCRFEntityExtractor":
        try:
            with model_storage.read_from(resource) as model_dir:
                if not (model_dir / CRF_ORDER_FILE).exists() and not (model_dir / PICKLED_FILE).exists():
                    return cls(config, model_storage, resource)  # trained without any entity
                taggers = cls.read(model_dir)
                extractor = cls(config, model_storage, resource, taggers)
                extractor.crf_order = list(taggers)
                return extractor
        except ValueError:  # ModelFileError is none: a refused model is never taken for an empty one
            logger.warning(f"{cls.__name__}: resource '{resource.name}' is not in the model.")
            return cls(config, model_storage, resource)
