"""``icop backup`` / ``icop restore``: one ``.tar.gz`` with everything a home needs.

Inside the archive:

- ``manifest.json``: format, ICOP version, Alembic revision, creation time, row counts per
  table, what objects and keys it holds;
- ``database.dump``: ``pg_dump --format=custom`` of the database, taken as the owner role
  (it has BYPASSRLS, so every tenant's rows are in it) with the pg_dump 16 that ships with
  the embedded server — it dumps an external PostgreSQL up to 16 as well;
- ``media/…``: the local object store's files (the S3 backend's objects are not copied:
  bucket versioning or replication is their backup);
- ``home/…``: the plan files of file-sourced pipelines that live under ``ICOP_HOME`` (the
  demo's ``demo/plan.csv``): a run writes each row's status back into its file, and a plan
  restored without it would be run again from the top — its articles written and posted a
  second time (found by the disaster-recovery drill, benchmarks/dr.py);
- ``secrets/…``: the vault keys, the JWT signing key and the media signing key, unless
  ``--exclude-keys`` (then the vault's credentials cannot be decrypted without the keys kept
  elsewhere, e.g. ``ICOP_VAULT_KEYS``).

Restore goes into an empty database (a fresh home, or a new external database) or, with
``force``, replaces the existing one. It refuses an archive whose revision this code does not
know (made by a newer ICOP), and upgrades an older one to the current schema afterwards.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import asyncpg
from alembic.script import ScriptDirectory
from alembic.util import CommandError

from icop import __version__
from icop.auth.tokens import KEY_FILE_NAME as JWT_KEY_FILE
from icop.config import Settings
from icop.credentials.vault import KEY_FILE_NAME as VAULT_KEY_FILE
from icop.db import bootstrap, migrate
from icop.db.embedded import EmbeddedPostgres
from icop.errors import ConfigurationError
from icop.runtime.database import prepare_database
from icop.storage.settings import StorageSettings
from icop.storage.signing import KEY_FILE_NAME as MEDIA_KEY_FILE

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA_DIR = "media"
HOME_DIR = "home"
SECRETS_DIR = "secrets"
SECRET_FILES = (VAULT_KEY_FILE, JWT_KEY_FILE, MEDIA_KEY_FILE)
TOOL_TIMEOUT_S = 3600

Step = Callable[[str], None]


def _no_progress(_: str) -> None:
    return None


class BackupError(ConfigurationError):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class Manifest:
    format: int
    icop_version: str
    alembic_revision: str | None
    created_at: str
    database: str
    tables: dict[str, int]
    storage_backend: str
    objects: int = 0
    object_bytes: int = 0
    home_files: int = 0
    secrets: list[str] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        raw = json.loads(data)
        if raw.get("format") != FORMAT:
            raise BackupError(
                f"unknown backup format {raw.get('format')!r} (this ICOP reads {FORMAT})"
            )
        return cls(**{name: raw[name] for name in cls.__dataclass_fields__ if name in raw})


@dataclass
class RestoreResult:
    manifest: Manifest
    revision_after: str | None
    objects_written: int
    secrets_written: list[str]
    count_mismatches: dict[str, tuple[int, int]]


# -- tools -----------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: the embedded server's (PostgreSQL 16), else the PATH's."""
    try:
        candidate = EmbeddedPostgres(Path(".")).bin(name)
        if candidate.exists():
            return str(candidate)
    except Exception:  # noqa: S110 - pgserver missing or broken: fall back to PATH
        pass
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} not found (install the PostgreSQL 16 client tools)")
    return found


def _run_tool(argv: list[str], what: str) -> str:
    try:
        completed = subprocess.run(  # noqa: S603 - argv built from our own paths and URLs
            argv, check=True, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S
        )
    except subprocess.CalledProcessError as error:
        tail = " / ".join((error.stderr or error.stdout or "").strip().splitlines()[-5:])
        raise BackupError(f"{what} failed: {tail}") from None
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} timed out") from None
    return completed.stdout


# -- database --------------------------------------------------------------------------------


async def table_counts(owner_url: str) -> dict[str, int]:
    """Exact row counts of every table in ``public`` (as the owner: every tenant's rows)."""
    conn = await asyncpg.connect(owner_url)
    try:
        names = [
            row["tablename"]
            for row in await conn.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts: dict[str, int] = {}
        for name in names:
            quoted = '"' + name.replace('"', '""') + '"'
            counts[name] = int(await conn.fetchval(f"SELECT count(*) FROM public.{quoted}"))  # noqa: S608
        return counts
    finally:
        await conn.close()


async def pipeline_files(owner_url: str) -> list[str]:
    """The files file-sourced pipelines read and write their plans in."""
    conn = await asyncpg.connect(owner_url)
    try:
        rows = await conn.fetch(
            "SELECT DISTINCT file_path FROM public.content_pipelines WHERE file_path IS NOT NULL"
        )
        return sorted(str(row["file_path"]) for row in rows)
    except asyncpg.UndefinedTableError:
        return []
    finally:
        await conn.close()


def _home_files(home: Path, paths: list[str]) -> Iterator[Path]:
    """Those of ``paths`` that are files under ``home`` (a plan elsewhere is the operator's)."""
    root = home.expanduser().resolve()
    for name in paths:
        path = Path(name).expanduser().resolve()
        if path.is_file() and path.is_relative_to(root):
            yield path


def _known_revision(revision: str | None) -> bool:
    if revision is None:
        return True
    script = ScriptDirectory.from_config(migrate._script_only_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False
    except Exception:  # alembic raises ResolutionError subclasses of various kinds
        return False


# -- backup ----------------------------------------------------------------------------------


def _media_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            # Temporary files of writes in flight are named ".<name>.<hex>.tmp".
            if path.is_file() and not path.name.startswith("."):
                yield path


def create_backup(
    settings: Settings,
    out: Path,
    *,
    include_keys: bool = True,
    storage: StorageSettings | None = None,
    step: Step = _no_progress,
) -> Manifest:
    storage = storage or StorageSettings()
    step("connecting to the database")
    urls = prepare_database(settings, migrate_to_head=False).urls
    revision = asyncio.run(migrate.current_revision(urls.owner))
    tables = asyncio.run(table_counts(urls.owner))
    plans = asyncio.run(pipeline_files(urls.owner))
    manifest = Manifest(
        format=FORMAT,
        icop_version=__version__,
        alembic_revision=revision,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database=settings.db_name,
        tables=tables,
        storage_backend=storage.storage_backend,
    )
    out = out.expanduser().resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="icop-backup-") as work:
        dump = Path(work) / DUMP
        step(f"dumping the database ({sum(tables.values())} rows in {len(tables)} tables)")
        _run_tool(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={dump}",
                f"--dbname={urls.owner}",
            ],
            "pg_dump",
        )
        partial = out.with_name(f".{out.name}.partial")
        # The archive may hold keys: readable by its owner only, from the first byte.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                tar.add(dump, arcname=DUMP)
                if storage.storage_backend == "local":
                    root = storage.local_root(settings.home)
                    step(f"adding media files from {root}")
                    for path in _media_files(root):
                        tar.add(path, arcname=f"{MEDIA_DIR}/{path.relative_to(root).as_posix()}")
                        manifest.objects += 1
                        manifest.object_bytes += path.stat().st_size
                home = settings.home.expanduser().resolve()
                for path in _home_files(home, plans):
                    tar.add(path, arcname=f"{HOME_DIR}/{path.relative_to(home).as_posix()}")
                    manifest.home_files += 1
                if include_keys:
                    step("adding the key files")
                    for name in SECRET_FILES:
                        path = settings.secrets_dir / name
                        if path.is_file():
                            tar.add(path, arcname=f"{SECRETS_DIR}/{name}")
                            manifest.secrets.append(name)
                _add_bytes(tar, MANIFEST, manifest.to_json())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    step(f"wrote {out}")
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# -- restore ---------------------------------------------------------------------------------


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (KeyError, tarfile.TarError, OSError, ValueError) as error:
        raise BackupError(f"{archive} is not an ICOP backup: {error}") from None


def _safe_member(name: str, prefix: str) -> PurePosixPath | None:
    """The member's path below ``prefix``, or None when it is elsewhere or escapes it."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or path.parts[0] != prefix:
        return None
    relative = PurePosixPath(*path.parts[1:])
    return relative if relative.parts else None


def restore_backup(
    settings: Settings,
    archive: Path,
    *,
    force: bool = False,
    include_keys: bool = True,
    storage: StorageSettings | None = None,
    step: Step = _no_progress,
) -> RestoreResult:
    storage = storage or StorageSettings()
    archive = archive.expanduser().resolve()
    manifest = read_manifest(archive)
    if not _known_revision(manifest.alembic_revision):
        raise BackupError(
            f"the backup is at schema revision {manifest.alembic_revision}, which this ICOP "
            f"({__version__}) does not know: restore it with the newer version that made it"
        )
    step("checking the target database")
    urls = prepare_database(settings, migrate_to_head=False).urls
    existing = asyncio.run(table_counts(urls.owner))
    if existing and not force:
        raise BackupError(
            f"the database {settings.db_name} is not empty ({len(existing)} tables); restore "
            "into a fresh ICOP_HOME or database, or pass --force to replace it"
        )
    with (
        tempfile.TemporaryDirectory(prefix="icop-restore-") as work,
        tarfile.open(archive, "r:*") as tar,
    ):
        dump = Path(work) / DUMP
        source = tar.extractfile(DUMP)
        if source is None:
            raise BackupError(f"{archive} holds no {DUMP}")
        with open(dump, "wb") as target:
            shutil.copyfileobj(source, target)
        clean = False
        if existing:
            if urls.admin is not None:
                step("replacing the embedded database")
                asyncio.run(bootstrap.drop_database(urls.admin, settings))
                asyncio.run(bootstrap.bootstrap(urls.admin, settings))
            else:
                clean = True  # an external database: drop what the dump recreates
        step("restoring the database")
        _pg_restore(dump, urls.owner, Path(work), clean=clean)
        local = storage.storage_backend == "local"
        written = _restore_media(tar, storage, settings) if local else 0
        if not local and manifest.objects:
            step("skipping media files: the S3 backend is configured (restore the bucket)")
        _restore_home_files(tar, settings, force=force)
        secrets = _restore_secrets(tar, settings, force=force) if include_keys else []
    step("upgrading the schema to this version")
    migrate.upgrade(urls.owner, settings)
    after = asyncio.run(migrate.current_revision(urls.owner))
    mismatches: dict[str, tuple[int, int]] = {}
    if after == manifest.alembic_revision:
        counts = asyncio.run(table_counts(urls.owner))
        mismatches = {
            name: (expected, counts.get(name, -1))
            for name, expected in manifest.tables.items()
            if counts.get(name, -1) != expected
        }
    return RestoreResult(manifest, after, written, secrets, mismatches)


def _pg_restore(dump: Path, owner_url: str, work: Path, *, clean: bool) -> None:
    tool = pg_tool("pg_restore")
    # Extensions are the administrator's (pgvector is not trusted; bootstrap created it):
    # leave them, and their comments, out of the restore.
    listing = _run_tool([tool, "--list", str(dump)], "pg_restore --list")
    kept = [
        line for line in listing.splitlines() if " EXTENSION " not in line or line.startswith(";")
    ]
    list_file = work / "restore.list"
    list_file.write_text("\n".join(kept) + "\n")
    argv = [
        tool,
        "--no-owner",
        "--exit-on-error",
        f"--use-list={list_file}",
        f"--dbname={owner_url}",
    ]
    if clean:
        argv += ["--clean", "--if-exists"]
    else:
        argv.append("--single-transaction")
    _run_tool([*argv, str(dump)], "pg_restore")


def _restore_media(tar: tarfile.TarFile, storage: StorageSettings, settings: Settings) -> int:
    root = storage.local_root(settings.home)
    written = 0
    for member in tar.getmembers():
        relative = _safe_member(member.name, MEDIA_DIR)
        if relative is None or not member.isfile():
            continue
        path = root.joinpath(*relative.parts)
        if path.exists():
            continue  # content-addressed: the same key holds the same bytes
        source = tar.extractfile(member)
        if source is None:
            continue
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        written += 1
    return written


def _restore_home_files(tar: tarfile.TarFile, settings: Settings, *, force: bool) -> int:
    """Plan files back to their place under ``ICOP_HOME``; an existing one is kept unless
    ``force`` (it may be newer than the backup)."""
    home = settings.home.expanduser().resolve()
    written = 0
    for member in tar.getmembers():
        relative = _safe_member(member.name, HOME_DIR)
        if relative is None or not member.isfile():
            continue
        path = home.joinpath(*relative.parts)
        source = tar.extractfile(member)
        if source is None or (path.exists() and not force):
            continue
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with open(path, "wb") as target:
            shutil.copyfileobj(source, target)
        written += 1
    return written


def _restore_secrets(tar: tarfile.TarFile, settings: Settings, *, force: bool) -> list[str]:
    written: list[str] = []
    for member in tar.getmembers():
        relative = _safe_member(member.name, SECRETS_DIR)
        if relative is None or not member.isfile() or str(relative) not in SECRET_FILES:
            continue
        source = tar.extractfile(member)
        if source is None:
            continue
        data = source.read()
        path = settings.secrets_dir / str(relative)
        if path.exists():
            if _digest(path.read_bytes()) == _digest(data):
                continue
            if not force:
                raise BackupError(
                    f"{path} exists with other keys; --force replaces it (keep a copy: "
                    "credentials encrypted with it cannot be read without it)"
                )
        settings.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            target.write(data)
        written.append(str(relative))
    return written


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
