"""Choosing the embedder: configuration, the process default and the request dependency."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from icop.config import Settings
from icop.embeddings import (
    EmbeddingConfig,
    EmbeddingUnavailable,
    HashingEmbedder,
    MiniLMEmbedder,
    default_embedder,
)
from icop.embeddings.config import build_embedder
from icop.embeddings.dependencies import get_embedder
from icop.errors import ConfigurationError
from icop.runtime.clients import Runtime
from tests.helpers import fake_providers


def _settings(**fields: Any) -> Any:
    return SimpleNamespace(**fields)


def test_defaults_without_settings_fields(settings: Settings) -> None:
    config = EmbeddingConfig.from_settings(settings)
    assert config == EmbeddingConfig()
    embedder = default_embedder(settings)
    assert isinstance(embedder, MiniLMEmbedder)
    assert default_embedder(settings) is embedder, "one embedder per process and configuration"


def test_configured_backends(tmp_path: Path) -> None:
    hashing = EmbeddingConfig.from_settings(_settings(embedding_backend="HASHING"))
    assert isinstance(build_embedder(hashing), HashingEmbedder)
    custom = EmbeddingConfig.from_settings(
        _settings(embedding_model_path=str(tmp_path), embedding_batch_size=8, embedding_threads=2)
    )
    assert custom.model_path == tmp_path and custom.batch_size == 8 and custom.threads == 2
    embedder = build_embedder(custom)
    assert embedder.name == f"bert-mean:{tmp_path.resolve()}", "another model, another space"
    with pytest.raises(ConfigurationError):
        EmbeddingConfig.from_settings(_settings(embedding_backend="word2vec"))


async def test_a_directory_without_a_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingUnavailable, match=r"config\.json"):
        await MiniLMEmbedder(tmp_path).embed(["text"])


def test_the_dependency_gives_the_runtimes_embedder(settings: Settings) -> None:
    injected = HashingEmbedder()
    runtime = SimpleNamespace(settings=settings, embedder=injected)
    request: Any = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(runtime=runtime)))
    assert get_embedder(request) is injected
    # A process's runtime embeds with the settings' default embedder (one per process).
    built = Runtime.from_settings(settings, llm_providers=fake_providers())
    assert built.embedder is default_embedder(settings)


def test_the_api_does_not_load_torch_until_it_embeds() -> None:
    script = (
        "import sys; from icop.api.app import create_app; create_app(); "
        "import icop.research, icop.brand; "
        "print(sorted(m for m in ('torch', 'tokenizers', 'transformers') if m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"
