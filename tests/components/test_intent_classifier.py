"""The calibrated SVM intent classifier and the sentence vectors it reads."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.core.agent import Agent
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.svm import LinearSVC

from components.intent_classifier import BlockScaler, CalibratedSVMIntentClassifier, FoldedCalibratedSVM
from components.sentence_vectors import DEFAULT_MODEL_DIR, SentenceVectors
from tests.components.pipelines import parse_all, train

INTENTS = {
    "ask_salary": [
        "what is the pay",
        "salary?",
        "how much do they earn",
        "what do techs make",
        "pay per hour",
        "wages for this job",
        "yearly income of a records tech",
    ],
    "greet": ["hello", "hi there", "good morning", "hey coach", "hiya", "hello again", "howdy"],
    "goodbye": [
        "bye",
        "see you later",
        "talk to you tomorrow",
        "goodbye for now",
        "later",
        "i'm off, bye",
        "have a good night",
    ],
}


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> str:
    nlu = ['version: "3.1"', "nlu:"]
    for intent, examples in INTENTS.items():
        nlu += [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples]
    return train(
        tmp_path_factory.mktemp("svm"),
        [
            "components.sentence_vectors.SentenceVectorFeaturizer",
            "components.intent_classifier.CalibratedSVMIntentClassifier",
        ],
        "\n".join(nlu) + "\n",
    )


def test_the_trained_model_tells_the_intents_apart(model):
    parsed = parse_all(model, ["how much is the salary", "hi coach", "ok bye", "wages?"])
    assert [p["intent"]["name"] for p in parsed] == ["ask_salary", "greet", "goodbye", "ask_salary"]
    for p in parsed:
        ranking = p["intent_ranking"]
        confidences = [r["confidence"] for r in ranking]
        assert {r["name"] for r in ranking} == set(INTENTS)
        assert confidences == sorted(confidences, reverse=True)
        assert sum(confidences) == pytest.approx(1.0)
        assert p["intent"] == ranking[0]


def test_an_empty_or_unknown_text_still_gets_a_ranking(model):
    for parsed in parse_all(model, ["zzzz qqqq", "🙂", ""]):
        assert parsed["intent"]["name"] in INTENTS
        assert 0 < parsed["intent"]["confidence"] <= 1


@pytest.mark.parametrize("intents", [4, 2])
def test_the_folded_model_gives_sklearns_probabilities(intents):
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(intents, 30))
    labels = np.repeat(np.array(list("abcd"[:intents])), 25)
    features = sp.csr_matrix(
        centres[np.repeat(np.arange(intents), 25)] + rng.normal(scale=1.5, size=(25 * intents, 30))
    )
    calibrated = CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="sigmoid").fit(features, labels)
    folded = FoldedCalibratedSVM.fold(calibrated)
    test = sp.csr_matrix(rng.normal(scale=2, size=(40, 30)))
    assert list(folded.classes_) == list(calibrated.classes_)
    np.testing.assert_allclose(folded.predict_proba(test), calibrated.predict_proba(test), atol=1e-10)


def test_sparse_blocks_get_sublinear_tfidf_and_every_block_unit_length():
    counts = sp.csr_matrix(np.array([[2, 0, 1, 0], [0, 1, 3, 0], [1, 1, 0, 5]], dtype=float))
    dense = np.array([[3.0, 4.0], [1.0, 1.0], [0.5, -2.0]])
    scaler = BlockScaler().fit({"words": counts, "vectors": dense})
    scaled = scaler.transform({"words": counts, "vectors": dense}).toarray()
    expected_words = TfidfTransformer(sublinear_tf=True).fit_transform(counts).toarray()
    np.testing.assert_allclose(scaled[:, :4], expected_words, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(scaled[:, 4:], axis=1), 1.0)
    np.testing.assert_allclose(scaled[0, 4:], [0.6, 0.8])


def test_a_row_without_features_stays_zero():
    counts = sp.csr_matrix(np.array([[1.0, 0.0], [0.0, 0.0]]))
    scaled = BlockScaler().fit({"words": counts}).transform({"words": counts}).toarray()
    assert not np.isnan(scaled).any()
    assert (scaled[1] == 0).all()


@pytest.fixture(scope="module")
def vectors() -> SentenceVectors:
    return SentenceVectors(DEFAULT_MODEL_DIR)


def test_sentence_vectors_are_unit_length_and_place_meanings_together(vectors):
    farewell, cheerio, salary, pay = vectors.embed(
        ["see you later", "cheerio, bye", "what is the salary", "how much does it pay"]
    )
    assert np.linalg.norm(farewell) == pytest.approx(1.0, abs=1e-5)
    assert farewell @ cheerio > farewell @ salary
    assert salary @ pay > salary @ cheerio


def test_an_empty_text_gets_a_zero_vector(vectors):
    (empty,) = vectors.embed([""])
    assert empty.shape == (256,) and not empty.any()


def test_a_missing_model_says_how_to_install_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="install_sentence_vectors"):
        SentenceVectors(tmp_path)


def test_the_loaded_weights_are_row_major(model):
    """scipy's sparse-times-dense product copies weights of any other layout on every message."""
    agent = Agent.load(model)
    node = next(
        n
        for n in agent.processor.graph_runner._instantiated_nodes.values()
        if isinstance(n._component, CalibratedSVMIntentClassifier)
    )
    assert node._component.model.weights.flags["C_CONTIGUOUS"]


def test_the_stored_model_predicts_exactly_as_the_trained_one(tmp_path):
    """Stored as plain arrays and JSON (no pickle), loaded back: the same probabilities, bit for bit."""
    rng = np.random.default_rng(1)
    blocks = {
        "words": sp.csr_matrix(rng.poisson(0.3, size=(60, 40)).astype(float)),
        "vectors": rng.normal(size=(60, 8)),
    }
    labels = np.repeat(np.array(["ask_salary", "greet", "goodbye"]), 20)
    scaler = BlockScaler().fit(blocks)
    calibrated = CalibratedClassifierCV(LinearSVC(random_state=0), cv=3, method="sigmoid")
    model = FoldedCalibratedSVM.fold(calibrated.fit(scaler.transform(blocks), labels))
    (tmp_path / "storage").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "storage"), Resource("svm")
    widths = {origin: block.shape[1] for origin, block in blocks.items()}
    CalibratedSVMIntentClassifier({}, storage, resource, scaler, widths, model).persist()
    loaded = CalibratedSVMIntentClassifier.load({}, storage, resource, ExecutionContext(GraphSchema({}), "test"))
    assert loaded.widths == widths and list(loaded.model.classes_) == list(model.classes_)
    expected = model.predict_proba(scaler.transform(blocks))
    np.testing.assert_array_equal(loaded.model.predict_proba(loaded.scaler.transform(blocks)), expected)
