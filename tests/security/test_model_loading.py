"""Item 1: loading a model runs no code from it.

A model can arrive from outside (`PUT /model`, a model server). Each test plants a pickle whose
unpickling would create a marker folder, where the coach's stored components keep their
weights, and checks that the load is refused with a word to retrain and the marker never
appears. The last test checks that the trained model itself holds no pickle.
"""

from __future__ import annotations

import io
import os
import pickle
import tarfile
from pathlib import Path

import numpy as np
import pytest
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource

from components.intent_classifier import CalibratedSVMIntentClassifier
from components.stored import StoredCRFEntityExtractor
from tests.components.pipelines import ENTITY_NLU, train

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "coach.tar.gz"
# The first bytes of a pickle of protocol 2 and above (joblib writes these too).
PICKLE_STARTS = tuple(bytes([0x80, protocol]) for protocol in range(2, 6))


class Payload:
    """Unpickled, it creates `marker`: the stand-in for any code a crafted model would run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (str(self.marker),)


def load(component, storage: LocalModelStorage, resource: Resource):
    return component.load(
        {**component.get_default_config()}, storage, resource, ExecutionContext(GraphSchema({}), "security-test")
    )


@pytest.fixture
def storage(tmp_path) -> LocalModelStorage:
    (tmp_path / "storage").mkdir()
    return LocalModelStorage(tmp_path / "storage")


@pytest.mark.parametrize(
    "component, pickle_file, other_files",
    [
        (CalibratedSVMIntentClassifier, "intent_svm.joblib", {}),
        (StoredCRFEntityExtractor, "crf_taggers.joblib", {"crf_order.json": '["entity"]'}),
    ],
)
def test_a_model_of_the_old_pickled_format_is_refused_unopened(storage, tmp_path, component, pickle_file, other_files):
    marker, resource = tmp_path / "code-ran", Resource("stored")
    with storage.write_to(resource) as folder:
        (folder / pickle_file).write_bytes(pickle.dumps(Payload(marker)))
        for name, text in other_files.items():
            (folder / name).write_text(text)
    with pytest.raises(Exception, match=r"pickle.*make train"):
        load(component, storage, resource)
    assert not marker.exists(), "loading the model ran the code in its pickle"


def object_array(marker: Path) -> np.ndarray:
    array = np.empty(1, dtype=object)
    array[0] = Payload(marker)
    return array


@pytest.mark.parametrize(
    "component, arrays_file, other_files",
    [
        (CalibratedSVMIntentClassifier, "intent_svm.npz", {"intent_svm.json": '{"intents": ["a", "b"], "blocks": []}'}),
        (
            StoredCRFEntityExtractor,
            "crf_entity.npz",
            {"crf_order.json": '["entity"]', "crf_entity.json": '{"labels": ["O"], "attributes": []}'},
        ),
    ],
)
def test_a_pickle_inside_the_arrays_is_refused_unopened(storage, tmp_path, component, arrays_file, other_files):
    """The right file names and format, but an array of Python objects (numpy would unpickle it)."""
    marker, resource = tmp_path / "code-ran", Resource("stored")
    with storage.write_to(resource) as folder:
        payload = object_array(marker)
        np.savez(
            folder / arrays_file,
            weights=payload,
            bias=payload,
            slope=payload,
            offset=payload,
            state_attribute=payload,
            state_label=payload,
            state_weight=payload,
            transitions=payload,
        )
        for name, text in other_files.items():
            (folder / name).write_text(text)
    with pytest.raises(Exception, match=r"not an archive of plain arrays.*make train"):
        load(component, storage, resource)
    assert not marker.exists(), "loading the model ran the code in its arrays"


def replace_in_archive(source: str, target: Path, component_suffix: str, files: dict) -> None:
    """A copy of the model archive whose component resource (folder name ending in the suffix
    and a number) holds only `files`."""
    with tarfile.open(source, "r:gz") as original, tarfile.open(target, "w:gz") as crafted:
        folders = {
            str(Path(m.name).parent)
            for m in original.getmembers()
            if m.isfile() and component_suffix in Path(m.name).parent.name
        }
        assert len(folders) == 1, folders
        (folder,) = folders
        for member in original.getmembers():
            if member.isfile() and str(Path(member.name).parent) == folder:
                continue
            crafted.addfile(member, original.extractfile(member) if member.isfile() else None)
        for name, data in files.items():
            info = tarfile.TarInfo(f"{folder}/{name}")
            info.size = len(data)
            crafted.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize(
    "component_suffix, pickle_file, other_files",
    [
        ("CalibratedSVMIntentClassifier", "intent_svm.joblib", {}),
        ("StoredCRFEntityExtractor", "crf_taggers.joblib", {"crf_order.json": b'["entity"]'}),
    ],
)
def test_rasa_refuses_a_model_archive_holding_a_pickle(
    tmp_path_factory, tmp_path, component_suffix, pickle_file, other_files
):
    """The whole path a model takes into the server: an archive loaded by Rasa's Agent."""
    model = train(
        tmp_path_factory.mktemp("model"),
        ["components.intent_classifier.CalibratedSVMIntentClassifier", "components.stored.StoredCRFEntityExtractor"],
        ENTITY_NLU,
    )
    marker, crafted = tmp_path / "code-ran", tmp_path / "crafted.tar.gz"
    replace_in_archive(model, crafted, component_suffix, {pickle_file: pickle.dumps(Payload(marker)), **other_files})
    with pytest.raises(Exception, match=r"pickle.*make train"):
        Agent.load(str(crafted))
    assert not marker.exists(), "loading the model ran the code in its pickle"


@pytest.mark.skipif(not MODEL.exists(), reason="no trained model (make train)")
def test_the_trained_model_holds_no_pickle():
    with tarfile.open(MODEL, "r:gz") as archive:
        files = [m for m in archive.getmembers() if m.isfile()]
        assert files
        for member in files:
            data = archive.extractfile(member).read()
            assert not data.startswith(PICKLE_STARTS), f"{member.name} is a pickle"
            if member.name.endswith(".npz"):
                with np.load(io.BytesIO(data), allow_pickle=False) as arrays:
                    for name in arrays.files:  # numpy raises here for an array that needs pickle
                        assert arrays[name].dtype != object, f"{member.name}: {name}"
