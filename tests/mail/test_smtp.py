"""The SMTP mailer against a small SMTP server written here (no SMTP server package is
installed): the wire conversation, the login, and a clear error when the server is away."""

from __future__ import annotations

import asyncio
import base64
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import pytest
from pydantic import SecretStr

from icop.config import Settings
from icop.errors import ServiceUnavailable
from icop.mail.mailer import build_mailer
from icop.mail.message import MailMessage
from icop.mail.sink import MailSink, plain_text
from icop.mail.smtp import SmtpMailer
from icop.mail.templates import password_reset_email


@dataclass
class SmtpServer:
    """Enough of RFC 5321 for one client: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT."""

    port: int = 0
    commands: list[str] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    envelopes: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def reply(line: str) -> None:
            writer.write(f"{line}\r\n".encode())
            await writer.drain()

        await reply("220 test.local ESMTP ready")
        sender, recipients = "", []
        while line := (await reader.readline()).decode().rstrip("\r\n"):
            verb = line.split(" ", 1)[0].upper()
            self.commands.append(verb)
            if verb == "EHLO":
                await reply("250-test.local")
                await reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                _, mechanism, payload = line.split(" ", 2)
                assert mechanism.upper() == "PLAIN"
                _, user, password = base64.b64decode(payload).decode().split("\0")
                self.logins.append((user, password))
                await reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip().strip("<>").split(">")[0]
                await reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                await reply("250 OK")
            elif verb == "DATA":
                await reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := await reader.readline()) != b".\r\n":
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                parsed = BytesParser(policy=policy.default).parsebytes(data)
                assert isinstance(parsed, EmailMessage)
                self.envelopes.append((sender, recipients, parsed))
                await reply("250 OK queued")
            elif verb == "QUIT":
                await reply("221 Bye")
                break
            else:
                await reply("502 Command not implemented")
        writer.close()


@pytest.fixture
async def smtp_server() -> AsyncIterator[SmtpServer]:
    server = SmtpServer()
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = listener.sockets[0].getsockname()[1]
    async with listener:
        yield server


def _message() -> MailMessage:
    return password_reset_email(
        to="person@example.com",
        name="Min-ji",
        workspace="Sunrise <Bakery>",
        link="http://127.0.0.1:8000/reset-password#abc",
        hours=1,
        language="ko",
    )


async def test_sends_a_multipart_message_with_login(smtp_server: SmtpServer) -> None:
    settings = Settings(
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
        smtp_starttls=False,
        smtp_username="mailer",
        smtp_password=SecretStr("s3cret"),
        mail_from="ICOP <no-reply@icop.example>",
    )
    mailer = build_mailer(settings)
    assert isinstance(mailer, SmtpMailer)
    message = _message()
    await mailer.send(message)
    assert smtp_server.logins == [("mailer", "s3cret")]
    [(sender, recipients, received)] = smtp_server.envelopes
    assert sender == "no-reply@icop.example"
    assert recipients == ["person@example.com"]
    assert str(received["Subject"]) == "Sunrise <Bakery> ICOP 비밀번호 재설정"
    assert "http://127.0.0.1:8000/reset-password#abc" in plain_text(received)
    html = received.get_body(preferencelist=("html",))
    assert html is not None
    # The tenant's own text is escaped in the HTML part.
    assert "Sunrise &lt;Bakery&gt;" in str(html.get_content())
    assert smtp_server.commands[-1] == "QUIT"


async def test_a_server_that_is_away_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailer = SmtpMailer(
        host="127.0.0.1", port=port, sender="a@b.example", starttls=False, timeout_s=2
    )
    with pytest.raises(ServiceUnavailable, match=f"127.0.0.1:{port}"):
        await mailer.send(_message())


def test_without_an_smtp_host_mail_goes_to_the_sink(tmp_path: Path) -> None:
    mailer = build_mailer(Settings(home=tmp_path))
    assert isinstance(mailer, MailSink)
    assert mailer.directory == Settings(home=tmp_path).mail_dir
