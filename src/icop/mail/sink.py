"""The embedded default: each message an .eml file under ICOP_HOME/mail, written atomically,
so ``icop mail list`` (and any mail client) can read what the product sent."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from icop.errors import NotFound
from icop.fs import write_private_file
from icop.mail.message import MailMessage

SUFFIX = ".eml"


class MailNotFound(NotFound):
    code = "mail_not_found"
    title = "No message with this id in the mail sink"


@dataclass(frozen=True)
class StoredMail:
    id: str
    to: str
    subject: str
    date: str
    path: Path


class MailSink:
    def __init__(self, directory: Path, *, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    async def send(self, message: MailMessage) -> None:
        await asyncio.to_thread(self.store, message)

    def store(self, message: MailMessage) -> str:
        """Write the message; returns its id (sortable by time, then random)."""
        message_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{secrets.token_hex(4)}"
        content = message.to_email(self.sender).as_bytes(policy=policy.SMTP)
        write_private_file(self.directory / f"{message_id}{SUFFIX}", content)
        return message_id

    def messages(self, *, to: str | None = None) -> list[StoredMail]:
        """Every stored message, newest first; only those addressed to ``to`` when given."""
        if not self.directory.is_dir():
            return []
        found = []
        for path in sorted(self.directory.glob(f"*{SUFFIX}"), reverse=True):
            message = _parse(path)
            recipient = str(message["To"] or "")
            if to is not None and recipient.lower() != to.lower():
                continue
            found.append(
                StoredMail(
                    id=path.name.removesuffix(SUFFIX),
                    to=recipient,
                    subject=str(message["Subject"] or ""),
                    date=str(message["Date"] or ""),
                    path=path,
                )
            )
        return found

    def read(self, message_id: str) -> EmailMessage:
        # The id names a file: refuse anything that could step out of the directory.
        if not message_id or "/" in message_id or "\\" in message_id or ".." in message_id:
            raise MailNotFound(f"no message {message_id!r} in the mail sink")
        path = self.directory / f"{message_id}{SUFFIX}"
        if not path.is_file():
            raise MailNotFound(f"no message {message_id!r} in {self.directory}")
        return _parse(path)


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        parsed = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain_text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    return "" if body is None else str(body.get_content())
