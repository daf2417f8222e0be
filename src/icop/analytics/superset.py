"""``icop analytics up``: Superset in a venv of its own under the ICOP home, reading the
analytics views as a login user that is a member of the read-only analytics role (ADR 0037).

Superset pins hundreds of packages (Flask, SQLAlchemy 1.4, marshmallow 3, pandas) that would
fight ICOP's own; it gets ``<home>/analytics/venv``, made with the project's uv, and runs as
subprocesses. Its metadata is SQLite in ``<home>/analytics/superset.db``. The generated
passwords and the Flask secret key live in ``<home>/secrets/analytics.json`` (0600).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from icop.analytics.bundle import write_bundle
from icop.config import Settings
from icop.db.embedded import EmbeddedPostgres
from icop.errors import ICOPError
from icop.fs import write_private_file

SUPERSET_VERSION = "6.1.0"
# What apache-superset's own requirements leave out but its CLI and our database need:
# the CLI imports rich, and psycopg2 is the PostgreSQL driver Superset's engine spec expects.
EXTRA_PACKAGES = (
    "rich==15.0.0",
    "psycopg2-binary==2.9.13",
    # 2.5.1, the newest its range allows, passes ignore_delete_many_errors to cache
    # factories and SupersetMetastoreCache rejects it (`superset db upgrade` fails).
    "flask-caching==2.3.1",
    # Imported by its AWS IAM engine spec, which importing a database entry loads.
    "cachetools==8.0.3",
)
LOGIN_USER = "icop_superset"
ADMIN_USER = "admin"

Step = Callable[[str], None]


class AnalyticsFailed(ICOPError):
    status = 500
    code = "analytics_failed"
    title = "Superset could not be set up"


@dataclass(frozen=True)
class AnalyticsPaths:
    root: Path
    secrets_file: Path

    @classmethod
    def of(cls, settings: Settings) -> AnalyticsPaths:
        return cls(settings.home / "analytics", settings.secrets_dir / "analytics.json")

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def superset(self) -> Path:
        return self.venv / "bin" / "superset"

    @property
    def config(self) -> Path:
        return self.root / "superset_config.py"

    @property
    def metadata_db(self) -> Path:
        return self.root / "superset.db"

    @property
    def pid_file(self) -> Path:
        return self.root / "superset.pid"

    @property
    def log_file(self) -> Path:
        return self.root / "superset.log"


@dataclass(frozen=True)
class AnalyticsSecrets:
    secret_key: str
    admin_password: str
    database_password: str


def load_or_create_secrets(paths: AnalyticsPaths) -> AnalyticsSecrets:
    if paths.secrets_file.exists():
        return AnalyticsSecrets(**json.loads(paths.secrets_file.read_text()))
    created = AnalyticsSecrets(
        secret_key=secrets.token_urlsafe(48),
        admin_password=secrets.token_urlsafe(18),
        database_password=secrets.token_urlsafe(24),
    )
    write_private_file(paths.secrets_file, json.dumps(created.__dict__).encode())
    return created


def _uv() -> str:
    # The project's uv sits next to the interpreter running ICOP (.venv/bin/uv).
    beside = Path(sys.executable).with_name("uv")
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        raise AnalyticsFailed("uv not found: install it (pip install uv) to set up Superset")
    return found


def install(paths: AnalyticsPaths, step: Step) -> None:
    """The venv and its packages; a no-op when the pinned Superset is already there."""
    marker = paths.root / f"installed-{SUPERSET_VERSION}"
    if marker.exists() and paths.superset.exists():
        return
    step(f"installing apache-superset {SUPERSET_VERSION} into {paths.venv}")
    paths.root.mkdir(parents=True, exist_ok=True)
    _run([_uv(), "venv", "--python", "3.11", "--allow-existing", str(paths.venv)])
    _run(
        [_uv(), "pip", "install", f"apache-superset=={SUPERSET_VERSION}", *EXTRA_PACKAGES],
        env={"VIRTUAL_ENV": str(paths.venv)},
    )
    marker.write_text(SUPERSET_VERSION)


def write_config(paths: AnalyticsPaths, keys: AnalyticsSecrets) -> None:
    config = f"""# Written by `icop analytics up`; rewritten on every run.
import json
from pathlib import Path

SECRET_KEY = json.loads(Path({str(paths.secrets_file)!r}).read_text())["secret_key"]
SQLALCHEMY_DATABASE_URI = "sqlite:///{paths.metadata_db}"
# The embedded default: no Redis, no Celery; results cached in process.
CACHE_CONFIG = {{"CACHE_TYPE": "SimpleCache"}}
DATA_CACHE_CONFIG = {{"CACHE_TYPE": "SimpleCache"}}
FEATURE_FLAGS = {{"DASHBOARD_RBAC": True}}
ROW_LIMIT = 50000
"""
    del keys  # read from the secrets file at Superset's start, never copied here
    write_private_file(paths.config, config.encode())


def superset_env(paths: AnalyticsPaths) -> dict[str, str]:
    return {
        "SUPERSET_CONFIG_PATH": str(paths.config),
        "FLASK_APP": "superset",
        "SUPERSET_HOME": str(paths.root),
        "PATH": f"{paths.venv / 'bin'}:{os.environ.get('PATH', '')}",
    }


def database_uri(settings: Settings, keys: AnalyticsSecrets) -> str:
    """The URI Superset's database entry uses: the login user over the embedded socket."""
    socket = EmbeddedPostgres(settings.home).socket_dir
    return (
        f"postgresql+psycopg2://{LOGIN_USER}:{keys.database_password}@/{settings.db_name}"
        f"?host={socket}"
    )


async def ensure_login_user(admin_dsn: str, settings: Settings, password: str) -> None:
    """Superset's login user: a member of the analytics role and nothing else."""
    conn = await asyncpg.connect(admin_dsn)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", LOGIN_USER)
        verb = "ALTER" if exists else "CREATE"
        quoted = password.replace("'", "''")
        await conn.execute(
            f'{verb} ROLE "{LOGIN_USER}" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE '
            f"NOBYPASSRLS INHERIT PASSWORD '{quoted}'"
        )
        await conn.execute(f'GRANT "{settings.db_analytics_role}" TO "{LOGIN_USER}"')
        # Superset's SQL Lab reads the views unqualified.
        await conn.execute(f'ALTER ROLE "{LOGIN_USER}" SET search_path = analytics')
    finally:
        await conn.close()


def prepare_metadata(paths: AnalyticsPaths, keys: AnalyticsSecrets, step: Step) -> None:
    env = superset_env(paths)
    step("superset db upgrade")
    _run([str(paths.superset), "db", "upgrade"], env=env, log=paths.log_file)
    step("admin user and roles")
    listed = _run([str(paths.superset), "fab", "list-users"], env=env)
    if f"username:{ADMIN_USER}" not in listed.replace(" ", ""):
        _run(
            [
                str(paths.superset),
                "fab",
                "create-admin",
                "--username",
                ADMIN_USER,
                "--firstname",
                "ICOP",
                "--lastname",
                "Operator",
                "--email",
                "admin@icop.local",
                "--password",
                keys.admin_password,
            ],
            env=env,
        )
    else:
        _run(
            [
                str(paths.superset),
                "fab",
                "reset-password",
                "--username",
                ADMIN_USER,
                "--password",
                keys.admin_password,
            ],
            env=env,
        )
    _run([str(paths.superset), "init"], env=env, log=paths.log_file)


def import_dashboards(paths: AnalyticsPaths, uri: str, step: Step) -> None:
    """The bundle with the real URI (the one in deploy/superset/ carries a placeholder),
    zipped the way `superset export-dashboards` writes it, imported with overwrite."""
    step("importing the eight dashboards")
    with tempfile.TemporaryDirectory(dir=paths.root) as scratch:
        bundle = Path(scratch) / "icop_dashboards"
        write_bundle(bundle, uri)
        archive = Path(scratch) / "icop_dashboards.zip"
        with zipfile.ZipFile(archive, "w") as zipped:
            for file in sorted(bundle.rglob("*.yaml")):
                zipped.write(file, Path("icop_dashboards") / file.relative_to(bundle))
        _run(
            [str(paths.superset), "import-dashboards", "-p", str(archive), "-u", ADMIN_USER],
            env=superset_env(paths),
            log=paths.log_file,
        )


def running_pid(paths: AnalyticsPaths) -> int | None:
    try:
        pid = int(paths.pid_file.read_text())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError, PermissionError):
        return None
    return pid


def start_server(paths: AnalyticsPaths, host: str, port: int, timeout_s: float = 180) -> str:
    """Superset's server in the background (its own session, so Ctrl-C in the terminal that
    ran `icop analytics up` leaves it); returns its URL once /health answers."""
    url = f"http://{host}:{port}"
    if running_pid(paths) is None:
        log = paths.log_file.open("ab")
        process = subprocess.Popen(  # noqa: S603 - our venv's binary, arguments we built
            [str(paths.superset), "run", "-h", host, "-p", str(port), "--with-threads"],
            env=_environment(superset_env(paths)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        paths.pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return url
        except httpx.HTTPError:
            pass
        if running_pid(paths) is None:
            break
        time.sleep(1)
    raise AnalyticsFailed(f"Superset did not answer on {url}; see {paths.log_file}")


def stop_server(paths: AnalyticsPaths) -> bool:
    pid = running_pid(paths)
    if pid is None:
        return False
    os.killpg(pid, signal.SIGTERM)
    for _ in range(50):
        if running_pid(paths) is None:
            break
        time.sleep(0.1)
    paths.pid_file.unlink(missing_ok=True)
    return True


def _environment(extra: dict[str, str]) -> dict[str, str]:
    # ICOP's own PYTHONPATH and venv must not leak into Superset's interpreter.
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}
    }
    return {**inherited, **extra}


def _run(command: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> str:
    result = subprocess.run(  # noqa: S603 - our venv's binaries and uv, arguments we built
        command,
        env=_environment(env or {}),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        # Superset's CLI hides the cause behind its last lines: keep all of it beside the log.
        if log is not None:
            with log.open("a") as handle:
                handle.write(f"$ {' '.join(command[:2])}\n{result.stdout}\n{result.stderr}\n")
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        where = f" (full output in {log})" if log is not None else ""
        raise AnalyticsFailed(
            f"{Path(command[0]).name} {command[1]} failed{where}: " + " | ".join(tail)
        )
    return result.stdout
