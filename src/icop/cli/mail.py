"""``icop mail``: the local mail sink's messages (the embedded default when no SMTP server is
configured), so the verification and reset links can be followed on a machine without mail."""

from __future__ import annotations

import typer
from rich.table import Table

from icop.cli.common import console, fail, friendly_errors, settings
from icop.mail.sink import MailSink, plain_text

app = typer.Typer(help="E-mails in the local mail sink.", no_args_is_help=True)


def _sink() -> MailSink:
    current = settings()
    if current.smtp_host:
        console.print(
            f"[yellow]note:[/] mail goes to the SMTP server {current.smtp_host}; the sink "
            "below holds only what was sent before it was configured"
        )
    return MailSink(current.mail_dir, sender=current.mail_from)


@app.command("list")
@friendly_errors
def list_messages(
    to: str | None = typer.Option(None, "--to", help="Only messages to this address."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="Newest messages to show."),
) -> None:
    """The newest messages, newest first."""
    sink = _sink()
    messages = sink.messages(to=to)
    if not messages:
        console.print(f"no messages in {sink.directory}")
        return
    table = Table(title=f"{len(messages)} message(s) in {sink.directory}")
    # The id is what `icop mail show` takes: never wrapped, so it can be copied whole.
    table.add_column("id", no_wrap=True)
    table.add_column("to", no_wrap=True)
    table.add_column("subject", overflow="fold")
    for message in messages[:limit]:
        table.add_row(message.id, message.to, message.subject)
    console.print(table)
    console.print("`icop mail show ID` prints one.")


@app.command("show")
@friendly_errors
def show(
    message_id: str = typer.Argument(..., help="The id `icop mail list` shows."),
    html: bool = typer.Option(False, "--html", help="Print the HTML part instead of the text."),
) -> None:
    """One message's headers and text."""
    message = _sink().read(message_id)
    for header in ("Date", "From", "To", "Subject"):
        console.print(f"[bold]{header}:[/] {message[header]}", highlight=False)
    console.print()
    if html:
        part = message.get_body(preferencelist=("html",))
        if part is None:
            raise fail("this message has no HTML part")
        console.print(str(part.get_content()), markup=False, highlight=False)
    else:
        console.print(plain_text(message), markup=False, highlight=False)
