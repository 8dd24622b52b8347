"""The sentence encoder: the network's arithmetic, and what its vectors are for."""

from __future__ import annotations

import numpy as np
import pytest

from components.minilm import DEFAULT_MODEL_DIR, MiniLM, cosine_top
from components.minilm_onnx import INT8_FILE, INT8_MIN_COSINE, ONNX_FILE, build_graph


@pytest.fixture(scope="module")
def encoder():
    """The numpy network, the reference."""
    return MiniLM(onnx_path=None)


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    """The same network as an ONNX graph, built here from the weights."""
    import onnx

    path = tmp_path_factory.mktemp("onnx") / ONNX_FILE
    onnx.save(build_graph(DEFAULT_MODEL_DIR), str(path))
    return MiniLM(onnx_path=path)


def reference_forward(encoder: MiniLM, ids):
    """The same network written out plainly: one token, one head, one layer at a time."""
    x = np.array([encoder.word[t] + encoder.position[i] for i, t in enumerate(ids)], dtype=np.float64)

    def norm(v, w, b):
        return (v - v.mean()) / np.sqrt(v.var() + encoder.eps) * w + b

    x = np.array([norm(row, *encoder.emb_norm) for row in x])
    size = encoder.dimensions // encoder.heads
    for layer in encoder.layers:
        qkv = x @ layer["qkv"] + layer["qkv_b"]
        d = encoder.dimensions
        q, k, v = qkv[:, :d], qkv[:, d : 2 * d], qkv[:, 2 * d :]
        context = np.zeros_like(x)
        for h in range(encoder.heads):
            part = slice(h * size, (h + 1) * size)
            for i in range(len(ids)):
                scores = np.array([q[i, part] @ k[j, part] / np.sqrt(size) for j in range(len(ids))])
                weights = np.exp(scores - scores.max())
                weights /= weights.sum()
                context[i, part] = weights @ v[:, part]
        x = np.array([norm(r, *layer["norm1"]) for r in x + context @ layer["out"] + layer["out_b"]])
        up = x @ layer["up"] + layer["up_b"]
        from math import erf

        hidden = np.vectorize(lambda u: 0.5 * u * (1 + erf(u / np.sqrt(2))))(up)
        x = np.array([norm(r, *layer["norm2"]) for r in x + hidden @ layer["down"] + layer["down_b"]])
    pooled = x.mean(axis=0)
    return pooled / np.linalg.norm(pooled)


def test_the_vectors_match_the_network_written_out(encoder):
    text = "how much does a records tech make?"
    ids = encoder.tokenizer.encode(text).ids
    assert ids[0] == encoder.tokenizer.token_to_id("[CLS]")
    expected = reference_forward(encoder, ids)
    assert np.allclose(encoder.embed_one(text), expected, atol=2e-5)


def test_a_batch_gives_each_text_what_it_gets_alone(encoder):
    texts = ["hi", "what certifications should I get after an associate degree in HIT?", ""]
    batch = encoder.embed(texts)
    for row, text in zip(batch, texts):
        assert np.allclose(row, encoder.embed_one(text), atol=1e-5)
    assert np.allclose(np.linalg.norm(batch, axis=1), 1, atol=1e-5)


def test_the_onnx_graph_gives_the_numpy_networks_vectors(encoder, graph):
    texts = ["hi", "whats the sallary in NJ", "3k is my max, is there financial aid?", "records " * 300, ""]
    assert graph.backend == "onnxruntime" and encoder.backend == "numpy"
    assert np.abs(graph.embed(texts) - encoder.embed(texts)).max() < 1e-5


def test_the_coach_uses_the_graph_that_make_install_built():
    assert (DEFAULT_MODEL_DIR / ONNX_FILE).exists(), (
        "make install builds the graph (scripts/install_sentence_encoder.sh)"
    )
    assert MiniLM().backend == "onnxruntime"


def test_the_int8_graph_keeps_the_float_vectors_direction_and_their_order(encoder):
    assert (DEFAULT_MODEL_DIR / INT8_FILE).exists(), "make install builds it (components/minilm_onnx.py export)"
    int8 = MiniLM(precision="int8")
    texts = [
        "whats the sallary in NJ",
        "3k is my max, is there financial aid?",
        "how long is the RHIT exam",
        "is AI going to replace coders",
        "thanks, this helped a lot!",
    ]
    quantised, exact = int8.embed(texts), encoder.embed(texts)
    assert (quantised * exact).sum(axis=1).min() >= INT8_MIN_COSINE
    # each text is still nearest its own float vector
    assert ((quantised @ exact.T).argmax(axis=1) == np.arange(len(texts))).all()
    pay, paraphrase, other = int8.embed(["what is the salary", "how much do they earn a year", "see you later"])
    assert pay @ paraphrase > pay @ other + 0.2


def test_an_unknown_precision_is_refused():
    with pytest.raises(ValueError, match="float or int8"):
        MiniLM(precision="int4")


def test_paraphrases_are_near_and_other_questions_far(encoder):
    pay, paraphrase, other = encoder.embed(["what is the salary", "how much do they earn a year", "see you later"])
    assert pay @ paraphrase > pay @ other + 0.2


def test_a_long_text_is_cut_to_the_encoders_limit(encoder):
    vector = encoder.embed_one("records " * 2000)
    assert vector.shape == (encoder.dimensions,) and np.isfinite(vector).all()


def test_cosine_top_orders_by_similarity():
    matrix = np.eye(3, dtype=np.float32)
    assert cosine_top(np.array([0.1, 0.9, 0.3], dtype=np.float32), matrix, 2) == [1, 2]
