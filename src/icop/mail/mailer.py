"""The ``Mailer`` protocol and the choice between SMTP and the local sink."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol

from icop.config import Settings
from icop.mail.message import MailMessage

logger = logging.getLogger(__name__)


class Mailer(Protocol):
    async def send(self, message: MailMessage) -> None: ...


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when a host is configured; otherwise the local sink (the embedded default)."""
    if settings.smtp_host:
        from icop.mail.smtp import SmtpMailer

        return SmtpMailer.from_settings(settings)
    from icop.mail.sink import MailSink

    return MailSink(settings.mail_dir, sender=settings.mail_from)


async def deliver(mailer: Mailer, messages: Iterable[MailMessage]) -> None:
    """Send after the request's commit (a background task): a failed delivery is logged, not
    raised, since the response has already gone and the user can ask for the mail again."""
    for message in messages:
        try:
            await mailer.send(message)
        except Exception:
            logger.exception("could not send the e-mail %r", message.subject)
