"""Serving a model that has no TensorFlow component without loading TensorFlow.

Rasa 3.6 imports TensorFlow in every process that loads a model, whatever the model holds: the
policies' featurizers import `rasa.utils.train_utils`, which imports Keras callbacks. The coach's
model has no TensorFlow component (config.yml: spaCy, sparse features, a linear SVM, a CRF, the
ONNX sentence encoder, rules), yet the import alone costs the Rasa server about 400 MB of memory
and 4 s of start-up (README, Figures).

`install()` puts a stand-in in front of the real package: importing `tensorflow` (or Keras,
TensorFlow Addons, Hub, Text, Probability) gives a module whose every name is a class that can
be subclassed and used in annotations and defaults, so Rasa's modules that define Keras layers
and models still import. A decorator (`@tf.function`) gives back the function it decorates.
Anything else that would run TensorFlow, calling or making any of its objects, raises
`TensorFlowNotLoaded` naming what was called: a model that needs TensorFlow fails at once and
loudly, never quietly wrong.

`scripts/serve.py` installs it before Rasa is imported, and only when the model it serves names
no component that runs TensorFlow (`needs_tensorflow`); a model it cannot read gets the real one.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import json
import sys
import tarfile
import types
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

# The packages replaced, and the version the stand-in reports (Rasa 3.6's pin).
PACKAGES = ("tensorflow", "tensorflow_addons", "tensorflow_hub", "tensorflow_text", "tensorflow_probability", "keras")
VERSION = "2.12.0"

# Rasa 3.6's components that run TensorFlow; a model holding one is served with the real package.
TENSORFLOW_COMPONENT_MODULES = (
    "rasa.nlu.classifiers.diet_classifier",
    "rasa.nlu.selectors.response_selector",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer",
    "rasa.nlu.featurizers.dense_featurizer.convert_featurizer",
    "rasa.core.policies.ted_policy",
    "rasa.core.policies.unexpected_intent_policy",
)


class TensorFlowNotLoaded(RuntimeError):
    """Something tried to run TensorFlow in a process that serves a model without it."""


def _refuse(what: str) -> TensorFlowNotLoaded:
    return TensorFlowNotLoaded(
        f"{what}: TensorFlow is not loaded in this process (extensions/without_tensorflow.py), because "
        "the model it serves has no TensorFlow component; serve this model without the stand-in."
    )


def _is_special(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


class _StandInType(type):
    """The type of every stand-in class: its attributes are stand-in classes too."""

    def __getattr__(cls, name: str) -> Any:
        if _is_special(name):
            raise AttributeError(name)
        return stand_in(f"{cls.__qualname__}.{name}")

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        if not cls.__dict__.get("_stand_in"):  # a class that subclasses one: Python's own rules
            return super().__call__(*args, **kwargs)
        if len(args) == 1 and callable(args[0]) and not kwargs:  # used as a decorator
            return args[0]
        raise _refuse(f"{cls.__qualname__}(...)")


class StandIn(metaclass=_StandInType):
    """The base of the stand-in classes. A subclass that is made (a Keras layer of Rasa's) fails
    in its constructor, as nothing of TensorFlow can run."""

    _stand_in = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise _refuse(f"{type(self).__qualname__}(...)")


_CLASSES: Dict[str, type] = {}


def stand_in(qualname: str) -> type:
    """The stand-in class for a dotted TensorFlow name ("tensorflow.keras.layers.Layer")."""
    if qualname not in _CLASSES:
        _CLASSES[qualname] = _StandInType(
            qualname.rsplit(".", 1)[-1], (StandIn,), {"__qualname__": qualname, "_stand_in": True}
        )
    return _CLASSES[qualname]


class StandInModule(types.ModuleType):
    def __getattr__(self, name: str) -> Any:
        if _is_special(name):
            raise AttributeError(name)
        return stand_in(f"{self.__name__}.{name}")


class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Optional[importlib.machinery.ModuleSpec]:
        if name.split(".")[0] in PACKAGES:
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        module = StandInModule(spec.name)
        module.__path__ = []  # a package: its submodules are stand-ins too
        module.__version__ = VERSION
        return module

    def exec_module(self, module: types.ModuleType) -> None:
        return None


_FINDER = _Finder()


def install() -> bool:
    """Puts the stand-in in front of the real packages; False when TensorFlow is already loaded
    in this process (then it stays, and nothing changes)."""
    if any(
        name.split(".")[0] in PACKAGES and not isinstance(module, StandInModule)
        for name, module in list(sys.modules.items())
    ):
        return False
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    return True


def installed() -> bool:
    return isinstance(sys.modules.get("tensorflow"), StandInModule) or _FINDER in sys.meta_path


def component_modules(model: Path) -> Iterable[str]:
    """The modules of the components a trained model runs (its metadata's predict graph)."""
    with tarfile.open(model) as archive:
        metadata = json.load(archive.extractfile("metadata.json"))  # type: ignore[arg-type]
    for node in metadata["predict_schema"]["nodes"].values():
        yield node["uses"].rsplit(".", 1)[0]


def needs_tensorflow(model: Optional[Path]) -> bool:
    """True unless the model is readable and none of its components runs TensorFlow."""
    if model is None:
        return True
    try:
        return any(module in TENSORFLOW_COMPONENT_MODULES for module in component_modules(Path(model)))
    except (OSError, KeyError, TypeError, ValueError, tarfile.TarError):
        return True
