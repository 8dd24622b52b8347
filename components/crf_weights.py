"""A trained linear-chain CRF as plain arrays, and its marginals computed in numpy.

sklearn-crfsuite keeps a trained CRF in crfsuite's binary model file, and pickles that file's
bytes. Neither is safe to load from an untrusted model: unpickling runs code, and crfsuite's C
reader follows the offsets written in the file without checking them. So the weights are read
out of the file crfsuite has just written in training (`CRFWeights.from_crfsuite`, the layout
of crfsuite's crf1d_model.c and cqdb.c) and kept as arrays and JSON; at prediction the
marginals are computed here, by the scaled forward-backward of crfsuite's crf1d_context.c.
They equal crfsuite's own to rounding (tests/components/test_stored.py compares them).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import pycrfsuite
import scipy.sparse as sp

# crfsuite's model file: a 48-byte header, then labels and attributes as two string databases
# (CQDB) and the features, each 20 bytes: type, source, destination (uint32) and a weight (double).
HEADER = struct.Struct("<4sI4s9I")
FEATURE = struct.Struct("<IIId")
FEATURE_CHUNK = struct.Struct("<4sII")  # "FEAT", its size, the number of features
CQDB_HEADER = struct.Struct("<4sIIIII")
STATE, TRANSITION = 0, 1


def _strings(model: bytes, start: int, count: int) -> List[str]:
    """The `count` strings of the CQDB at `start`, by id (from its backward array)."""
    chunk, _size, _flag, _order, _bwd_size, bwd_offset = CQDB_HEADER.unpack_from(model, start)
    if chunk != b"CQDB":
        raise ValueError("not a crfsuite string table")
    offsets = struct.unpack_from(f"<{count}I", model, start + bwd_offset) if count else ()
    strings = []
    for offset in offsets:
        _id, size = struct.unpack_from("<iI", model, start + offset)
        begin = start + offset + 8
        strings.append(model[begin : begin + size - 1].decode("utf-8"))  # size counts the final NUL
    return strings


class CRFWeights:
    """A CRF's labels, attributes, state weights (attribute x label) and transitions (label x label)."""

    def __init__(
        self, labels: Sequence[str], attributes: Sequence[str], state: sp.csr_matrix, transitions: np.ndarray
    ) -> None:
        self.labels = list(labels)
        self.attribute_ids: Dict[str, int] = {name: i for i, name in enumerate(attributes)}
        self.state = sp.csr_matrix(state, dtype=np.float64)
        self.transitions = np.asarray(transitions, dtype=np.float64)
        self.exp_transitions = np.exp(self.transitions)
        if self.state.shape != (len(attributes), len(self.labels)) or self.transitions.shape != (
            len(self.labels),
            len(self.labels),
        ):
            raise ValueError("the CRF's weights do not fit its labels and attributes")

    @classmethod
    def from_crfsuite(cls, path: Path) -> "CRFWeights":
        """Reads the model file crfsuite wrote in training (trusted: this process wrote it)."""
        model = path.read_bytes()
        (
            magic,
            _size,
            kind,
            _version,
            _features,
            labels,
            attributes,
            off_features,
            off_labels,
            off_attrs,
            _off_labelrefs,
            _off_attrrefs,
        ) = HEADER.unpack_from(model)
        chunk, _chunk_size, features = FEATURE_CHUNK.unpack_from(model, off_features)
        if magic != b"lCRF" or kind != b"FOMC" or chunk != b"FEAT":
            raise ValueError(f"{path} is not a crfsuite CRF model")
        rows, columns, weights = [], [], []
        transitions = np.zeros((labels, labels))
        for number in range(features):
            kind, source, target, weight = FEATURE.unpack_from(
                model, off_features + FEATURE_CHUNK.size + number * FEATURE.size
            )
            if kind == STATE:
                rows.append(source)
                columns.append(target)
                weights.append(weight)
            elif kind == TRANSITION:
                transitions[source, target] = weight
        state = sp.csr_matrix((weights, (rows, columns)), shape=(attributes, labels))
        return cls(_strings(model, off_labels, labels), _strings(model, off_attrs, attributes), state, transitions)

    def arrays(self) -> Dict[str, np.ndarray]:
        state = self.state.tocoo()
        return {
            "state_attribute": state.row.astype(np.int64),
            "state_label": state.col.astype(np.int64),
            "state_weight": state.data,
            "transitions": self.transitions,
        }

    def names(self) -> Dict[str, List[str]]:
        return {"labels": self.labels, "attributes": list(self.attribute_ids)}

    @classmethod
    def from_arrays(cls, arrays: Dict[str, np.ndarray], names: Dict[str, List[str]]) -> "CRFWeights":
        labels, attributes = [str(n) for n in names["labels"]], [str(n) for n in names["attributes"]]
        rows, columns = arrays["state_attribute"], arrays["state_label"]
        if (
            rows.dtype.kind not in "iu"
            or columns.dtype.kind not in "iu"
            or (
                len(rows)
                and (
                    rows.min() < 0 or rows.max() >= len(attributes) or columns.min() < 0 or columns.max() >= len(labels)
                )
            )
        ):
            raise ValueError("the CRF's state weights name attributes or labels it does not have")
        state = sp.csr_matrix((arrays["state_weight"], (rows, columns)), shape=(len(attributes), len(labels)))
        return cls(labels, attributes, state, arrays["transitions"])

    def predict_marginals_single(self, xseq: List[Dict]) -> List[Dict[str, float]]:
        """Each token's probability of each label, as sklearn_crfsuite.CRF.predict_marginals_single."""
        if not xseq:
            return []
        # pycrfsuite's own reading of the feature dicts into weighted attributes ("prefix:value").
        rows, columns, values = [], [], []
        for position, item in enumerate(pycrfsuite.ItemSequence(xseq).items()):
            for name, value in item.items():
                attribute = self.attribute_ids.get(name)
                if attribute is not None:  # attributes unseen in training weigh nothing, as in crfsuite
                    rows.append(position)
                    columns.append(attribute)
                    values.append(value)
        items = sp.csr_matrix((values, (rows, columns)), shape=(len(xseq), len(self.attribute_ids)))
        state = np.asarray((items @ self.state).todense())
        # A constant per position changes no marginal; it keeps exp() from overflowing.
        exp_state = np.exp(state - state.max(axis=1, keepdims=True))
        exp_trans = self.exp_transitions
        length = len(xseq)
        alpha, beta, scale = np.empty_like(exp_state), np.empty_like(exp_state), np.empty(length)
        alpha[0] = exp_state[0]
        for t in range(length):
            if t:
                alpha[t] = (alpha[t - 1] @ exp_trans) * exp_state[t]
            scale[t] = 1.0 / alpha[t].sum()
            alpha[t] *= scale[t]
        beta[-1] = scale[-1]
        for t in range(length - 2, -1, -1):
            beta[t] = exp_trans @ (beta[t + 1] * exp_state[t + 1]) * scale[t]
        marginals = alpha * beta / scale[:, None]
        return [dict(zip(self.labels, row.tolist())) for row in marginals]
