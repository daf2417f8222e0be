"""The account e-mails, in the user's language (English or Korean), as plain text and simple
HTML. Kept in code, not a template engine: there are two of them, and every value put into the
HTML is escaped here."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

from icop.mail.message import MailMessage

Language = Literal["en", "ko"]
LANGUAGES: tuple[Language, ...] = ("en", "ko")


@dataclass(frozen=True)
class _Copy:
    subject: str
    greeting: str
    body: str
    action: str
    expiry: str
    ignore: str


VERIFY_EMAIL: dict[Language, _Copy] = {
    "en": _Copy(
        subject="Confirm your e-mail address for {workspace}",
        greeting="Hello {name},",
        body="Please confirm that this is your e-mail address for the ICOP workspace {workspace}.",
        action="Confirm my e-mail address",
        expiry="The link works for {hours} hours and only once.",
        ignore="If you did not create an ICOP account, you can ignore this message.",
    ),
    "ko": _Copy(
        subject="{workspace} 이메일 주소를 확인해 주세요",
        greeting="{name}님, 안녕하세요.",
        body="ICOP 워크스페이스 {workspace}에서 사용할 이메일 주소가 맞는지 확인해 주세요.",
        action="이메일 주소 확인하기",
        expiry="이 링크는 {hours}시간 동안 한 번만 사용할 수 있습니다.",
        ignore="ICOP 계정을 만든 적이 없다면 이 메일을 무시하셔도 됩니다.",
    ),
}

RESET_PASSWORD: dict[Language, _Copy] = {
    "en": _Copy(
        subject="Reset your ICOP password for {workspace}",
        greeting="Hello {name},",
        body="Someone asked to reset the password of your account in the ICOP workspace "
        "{workspace}. Choose a new password with the link below; every device signed in "
        "to this account will be signed out.",
        action="Choose a new password",
        expiry="The link works for {hours} hour(s) and only once.",
        ignore="If you did not ask for this, ignore this message: your password stays as it is.",
    ),
    "ko": _Copy(
        subject="{workspace} ICOP 비밀번호 재설정",
        greeting="{name}님, 안녕하세요.",
        body="ICOP 워크스페이스 {workspace}의 계정 비밀번호 재설정 요청이 있었습니다. "
        "아래 링크에서 새 비밀번호를 정해 주세요. 이 계정으로 로그인된 모든 기기에서 "
        "로그아웃됩니다.",
        action="새 비밀번호 정하기",
        expiry="이 링크는 {hours}시간 동안 한 번만 사용할 수 있습니다.",
        ignore="요청하지 않으셨다면 이 메일을 무시하세요. 비밀번호는 바뀌지 않습니다.",
    ),
}


def language_of(value: str | None) -> Language:
    return "ko" if value == "ko" else "en"


def verification_email(
    *, to: str, name: str | None, workspace: str, link: str, hours: int, language: str | None
) -> MailMessage:
    return _render(
        VERIFY_EMAIL,
        to=to,
        name=name,
        workspace=workspace,
        link=link,
        hours=hours,
        language=language_of(language),
    )


def password_reset_email(
    *, to: str, name: str | None, workspace: str, link: str, hours: int, language: str | None
) -> MailMessage:
    return _render(
        RESET_PASSWORD,
        to=to,
        name=name,
        workspace=workspace,
        link=link,
        hours=hours,
        language=language_of(language),
    )


def _render(
    copies: dict[Language, _Copy],
    *,
    to: str,
    name: str | None,
    workspace: str,
    link: str,
    hours: int,
    language: Language,
) -> MailMessage:
    copy = copies[language]
    values = {"name": name or to, "workspace": workspace, "hours": hours}
    lines = [
        copy.greeting.format(**values),
        copy.body.format(**values),
        copy.expiry.format(**values),
        copy.ignore,
    ]
    text = "\n\n".join([lines[0], lines[1], f"{copy.action}: {link}", *lines[2:]]) + "\n"
    escaped = {key: escape(str(value)) for key, value in values.items()}
    html = (
        f'<!doctype html><html lang="{language}"><body style="font-family: sans-serif; '
        'line-height: 1.5; max-width: 36em">'
        f"<p>{copy.greeting.format(**escaped)}</p>"
        f"<p>{copy.body.format(**escaped)}</p>"
        f'<p><a href="{escape(link, quote=True)}" style="display: inline-block; padding: '
        "0.6em 1.2em; background: #1f4fd1; color: #ffffff; text-decoration: none; "
        f'border-radius: 4px">{escape(copy.action)}</a></p>'
        f"<p>{copy.expiry.format(**escaped)}</p>"
        f'<p style="color: #555555">{escape(copy.ignore)}</p>'
        "</body></html>"
    )
    return MailMessage(
        to=to,
        # A workspace name is the tenant's own text: no line break may reach a header.
        subject=" ".join(copy.subject.format(**values).split()),
        text=text,
        html=html,
        language=language,
    )
