"""Rasa's training cache must not restore a component trained by older code."""

from __future__ import annotations

import components.crf_weights
import components.intent_classifier
import components.model_files
import components.sentence_vectors
import components.stored
from components import code_fingerprint
from components.intent_classifier import CalibratedSVMIntentClassifier
from components.sentence_vectors import SentenceVectorFeaturizer
from components.stored import StoredCRFEntityExtractor


def test_the_fingerprint_follows_the_code(tmp_path):
    module = tmp_path / "component.py"
    module.write_text("x = 1\n")
    before = code_fingerprint(str(module))
    assert code_fingerprint(str(module)) == before
    module.write_text("x = 2\n")
    assert code_fingerprint(str(module)) != before
    assert code_fingerprint(str(module), "vectors v2") != code_fingerprint(str(module))


def test_every_component_of_the_coach_adds_its_code_to_the_fingerprint():
    # with the modules that write what they store: a change of the stored format trains them again
    stored_format = code_fingerprint(components.model_files.__file__)
    assert CalibratedSVMIntentClassifier.fingerprint_addon({}) == code_fingerprint(
        components.intent_classifier.__file__, stored_format
    )
    assert StoredCRFEntityExtractor.fingerprint_addon({}) == code_fingerprint(
        components.stored.__file__, code_fingerprint(components.crf_weights.__file__), stored_format
    )
    vectors = SentenceVectorFeaturizer.fingerprint_addon({})
    assert vectors != code_fingerprint(components.sentence_vectors.__file__)  # the weights count too
    assert vectors == SentenceVectorFeaturizer.fingerprint_addon({})
