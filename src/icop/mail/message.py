"""One outgoing e-mail, independent of how it is delivered."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid


@dataclass(frozen=True)
class MailMessage:
    to: str
    subject: str
    text: str
    html: str
    language: str = "en"

    def to_email(self, sender: str) -> EmailMessage:
        """A MIME message: plain text first, HTML as the alternative mail clients prefer."""
        message = EmailMessage()
        message["From"] = sender
        message["To"] = self.to
        message["Subject"] = self.subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain="icop.local")
        message.set_content(self.text)
        message.add_alternative(self.html, subtype="html")
        # After the body: setting content clears every Content-* header.
        message["Content-Language"] = self.language
        return message
