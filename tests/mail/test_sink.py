"""The local mail sink and ``icop mail``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from icop.cli.main import app
from icop.config import get_settings
from icop.mail.message import MailMessage
from icop.mail.sink import MailNotFound, MailSink, plain_text
from icop.mail.templates import verification_email

runner = CliRunner()


def _mail(to: str, workspace: str = "Acme", language: str = "en") -> MailMessage:
    return verification_email(
        to=to,
        name=None,
        workspace=workspace,
        link="http://127.0.0.1:8000/verify-email#token",
        hours=48,
        language=language,
    )


def test_messages_are_files_listed_newest_first(tmp_path: Path) -> None:
    sink = MailSink(tmp_path / "mail", sender="ICOP <no-reply@localhost>")
    first = sink.store(_mail("a@example.com"))
    second = sink.store(_mail("b@example.com", workspace="Line\nBreak"))
    assert [m.id for m in sink.messages()] == [second, first]
    assert [m.to for m in sink.messages(to="A@example.com")] == ["a@example.com"]
    # One file per message, nothing half-written left behind, readable by the owner only.
    files = sorted(p.name for p in (tmp_path / "mail").iterdir())
    assert files == sorted([f"{first}.eml", f"{second}.eml"])
    assert ((tmp_path / "mail" / f"{first}.eml").stat().st_mode & 0o777) == 0o600
    read = sink.read(second)
    assert str(read["Subject"]) == "Confirm your e-mail address for Line Break"
    assert "verify-email#token" in plain_text(read)


@pytest.mark.parametrize("message_id", ["missing", "../secrets/jwt", ""])
def test_an_unknown_id_is_not_found(tmp_path: Path, message_id: str) -> None:
    with pytest.raises(MailNotFound):
        MailSink(tmp_path, sender="x@example.com").read(message_id)


def test_icop_mail_list_and_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICOP_HOME", str(tmp_path))
    monkeypatch.delenv("ICOP_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    try:
        empty = runner.invoke(app, ["mail", "list"])
        assert empty.exit_code == 0 and "no messages" in empty.output
        sink = MailSink(get_settings().mail_dir, sender="ICOP <no-reply@localhost>")
        message_id = sink.store(_mail("kim@example.com", language="ko"))
        listed = runner.invoke(app, ["mail", "list"], terminal_width=200)
        assert listed.exit_code == 0, listed.output
        assert message_id in listed.output and "kim@example.com" in listed.output
        shown = runner.invoke(app, ["mail", "show", message_id])
        assert shown.exit_code == 0, shown.output
        assert "이메일 주소 확인하기: http://127.0.0.1:8000/verify-email#token" in shown.output
        html = runner.invoke(app, ["mail", "show", message_id, "--html"])
        assert html.exit_code == 0 and '<html lang="ko">' in html.output
        missing = runner.invoke(app, ["mail", "show", "nope"])
        assert missing.exit_code == 1
        assert "no message 'nope'" in missing.output and "Traceback" not in missing.output
    finally:
        get_settings.cache_clear()
