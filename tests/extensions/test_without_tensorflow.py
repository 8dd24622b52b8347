"""extensions/without_tensorflow.py: Rasa imports without TensorFlow, anything that would run
TensorFlow fails loudly, and only a model without TensorFlow components is served that way."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import pytest

from extensions import without_tensorflow

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "RASA_TELEMETRY_ENABLED": "false", "PYTHONWARNINGS": "ignore"},
    )


def test_rasas_server_side_imports_without_tensorflow_and_any_use_of_it_fails_loudly():
    done = run_python("""
        from extensions import without_tensorflow as w
        assert w.install()
        import rasa.core.agent, rasa.core.run, rasa.core.policies.rule_policy
        import rasa.nlu.classifiers.diet_classifier, rasa.core.policies.ted_policy  # they import too
        import sys, tensorflow as tf
        assert isinstance(sys.modules["tensorflow"], w.StandInModule), "the real TensorFlow was loaded"
        assert not any(name.startswith("tensorflow.python") for name in sys.modules)
        for call in (lambda: tf.constant(1), lambda: tf.keras.layers.Dense(3),
                     lambda: rasa.utils.tensorflow.layers.Ffnn([3], 0.1, 0.0, 0.0, "x")):
            try:
                call()
            except w.TensorFlowNotLoaded as error:
                assert "TensorFlow is not loaded" in str(error)
            else:
                raise AssertionError("a TensorFlow call ran")
        decorated = tf.function(len)
        assert decorated is len  # a decorator gives back what it decorates
        print("ok")
    """)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def test_installing_after_tensorflow_was_loaded_changes_nothing():
    done = run_python("""
        import tensorflow
        from extensions import without_tensorflow as w
        assert not w.install() and not w.installed()
        import sys; assert not isinstance(sys.modules["tensorflow"], w.StandInModule)
        print("ok")
    """)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-3000:]


def model_with(tmp_path: Path, *uses: str, metadata: bool = True) -> Path:
    path = tmp_path / "model.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        if metadata:
            nodes = {f"node{i}": {"uses": name} for i, name in enumerate(uses)}
            data = json.dumps({"predict_schema": {"nodes": nodes}}).encode()
            info = tarfile.TarInfo("metadata.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_model_is_served_without_tensorflow_only_when_none_of_its_components_runs_it(tmp_path):
    lean = model_with(tmp_path, "rasa.core.policies.rule_policy.RulePolicy", "components.fact_ranker.FactRanker")
    assert not without_tensorflow.needs_tensorflow(lean)
    for uses in (
        "rasa.nlu.classifiers.diet_classifier.DIETClassifier",
        "rasa.core.policies.ted_policy.TEDPolicy",
        "rasa.nlu.selectors.response_selector.ResponseSelector",
    ):
        (tmp_path / "model.tar.gz").unlink()
        assert without_tensorflow.needs_tensorflow(
            model_with(tmp_path, "rasa.core.policies.rule_policy.RulePolicy", uses)
        ), uses


def test_a_model_that_cannot_be_read_gets_the_real_tensorflow(tmp_path):
    assert without_tensorflow.needs_tensorflow(None)
    assert without_tensorflow.needs_tensorflow(tmp_path / "missing.tar.gz")
    assert without_tensorflow.needs_tensorflow(model_with(tmp_path, metadata=False))
    (tmp_path / "junk.tar.gz").write_bytes(b"not a model")
    assert without_tensorflow.needs_tensorflow(tmp_path / "junk.tar.gz")


@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve_script", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_serve_finds_the_model_it_is_given(serve):
    assert serve.model_option(["--model", "models/coach.tar.gz", "--port", "5005"]) == "models/coach.tar.gz"
    assert serve.model_option(["--port", "5005", "-m", "x.tar.gz"]) == "x.tar.gz"
    assert serve.model_option(["--model=y.tar.gz"]) == "y.tar.gz"
    assert serve.model_option(["--port", "5005"]) is None


def test_serve_keeps_tensorflow_when_asked_or_when_the_model_needs_it(serve, tmp_path):
    lean = model_with(tmp_path, "rasa.core.policies.rule_policy.RulePolicy")
    # asked for the real package: the stand-in is not installed (in this process TensorFlow may be loaded anyway)
    assert serve.without_tensorflow(["--model", str(lean)], {"SERVE_WITH_TENSORFLOW": "1"}) is False
    assert serve.without_tensorflow(["--port", "5005"], {}) is False
    (tmp_path / "model.tar.gz").unlink()
    heavy = model_with(tmp_path, "rasa.core.policies.ted_policy.TEDPolicy")
    assert serve.without_tensorflow(["--model", str(heavy)], {}) is False
    assert not without_tensorflow.installed()
