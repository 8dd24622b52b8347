"""What the coach's components keep in a model: data only, never code.

A model can come from elsewhere (the HTTP API's `PUT /model`, a model server), so loading it
must not run anything it holds. The components keep their arrays in numpy `.npz` files, read
with `allow_pickle=False` (numpy then refuses any array that would need pickle to rebuild),
and the rest in JSON. Models of the older format kept pickles (joblib files); unpickling one
runs whatever code it names, so those files are refused unopened, with a word to retrain.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any, Dict, Iterable

import numpy as np
from rasa.shared.exceptions import RasaException

RETRAIN = "Train the model again with this version of the coach (make train)."


class ModelFileError(RasaException):
    """A model file the coach will not load: a pickle, arrays that would need one, or no file at all.

    A RasaException, so that Rasa reports its message as it is instead of a generic
    "Error initializing graph component"."""


def refuse_pickles(model_dir: Path, component: str, pickle_files: Iterable[str]) -> None:
    """Refuses a model holding a file of the older, pickled format (the file is not opened)."""
    found = [name for name in pickle_files if (model_dir / name).exists()]
    if found:
        raise ModelFileError(
            f"{component}: the model holds {', '.join(found)}, a pickle written by an older version "
            f"of the coach. Pickles can run code when loaded, so this model is not loaded. {RETRAIN}"
        )


def save_arrays(path: Path, arrays: Dict[str, np.ndarray]) -> None:
    for name, array in arrays.items():
        if array.dtype == object:  # would be pickled, and then refused at load
            raise TypeError(f"{path.name}: '{name}' is an array of Python objects, not of numbers or text.")
    np.savez(path, **arrays)


def load_arrays(path: Path, component: str) -> Dict[str, np.ndarray]:
    """Every array of an .npz file, or ModelFileError if any would need pickle (or it is no .npz)."""
    try:
        with np.load(path, allow_pickle=False) as arrays:
            return {name: arrays[name] for name in arrays.files}
    except (ValueError, OSError, zipfile.BadZipFile, AttributeError, TypeError) as error:
        # numpy raises ValueError for a pickle (a pickled file, or an object array inside the
        # archive); a single .npy array instead of an archive has no `with` (AttributeError).
        raise ModelFileError(
            f"{component}: {path.name} is not an archive of plain arrays ({error}). {RETRAIN}"
        ) from error


def save_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False))


def load_json(path: Path, component: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise ModelFileError(f"{component}: {path.name} is not readable JSON ({error}). {RETRAIN}") from error
