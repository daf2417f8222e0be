"""Delivery through an SMTP server, with the standard library's client in a thread (one
connection per message: account e-mails are rare, and a pooled connection would time out)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from dataclasses import dataclass

from icop.config import Settings
from icop.errors import ServiceUnavailable
from icop.mail.message import MailMessage

IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpMailer:
        assert settings.smtp_host is not None
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_username,
            password=(
                settings.smtp_password.get_secret_value() if settings.smtp_password else None
            ),
            starttls=settings.smtp_starttls,
            timeout_s=settings.smtp_timeout_s,
        )

    async def send(self, message: MailMessage) -> None:
        await asyncio.to_thread(self._send, message)

    def _send(self, message: MailMessage) -> None:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        try:
            if self.starttls and self.port == IMPLICIT_TLS_PORT:
                client = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout_s, context=context
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout_s)
            with client:
                if self.starttls and self.port != IMPLICIT_TLS_PORT:
                    client.starttls(context=context)
                if self.username:
                    client.login(self.username, self.password or "")
                client.send_message(message.to_email(self.sender))
        except (OSError, smtplib.SMTPException) as error:
            raise ServiceUnavailable(
                f"the SMTP server {self.host}:{self.port} did not take the message: {error}"
            ) from error
