from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from icop.cli.common import app_session, console, friendly_errors, run_async, settings
from icop.credentials import service as credentials
from icop.credentials.vault import build_keyring, generate_env_key
from icop.notifications import webhook as notification_webhook
from icop.tenants.repository import TenantRepository

app = typer.Typer(help="Credential vault keys.", no_args_is_help=True)


@app.command("rotate")
@friendly_errors
def rotate(
    reencrypt_only: bool = typer.Option(
        False,
        "--reencrypt-only",
        help="Do not add a key; re-encrypt rows still on older keys (after you added a key "
        "to ICOP_VAULT_KEYS).",
    ),
) -> None:
    """Add a new primary vault key and re-encrypt every stored credential with it.

    Running services keep working throughout: old keys stay in the keyring for decryption and
    a process that meets a ciphertext under a key it does not know re-reads the key file.
    """
    current = settings()
    keyring = build_keyring(current)
    if not reencrypt_only:
        new_key = keyring.add_key()
        console.print(f"added vault key [bold]{new_key}[/] (now primary)")

    async def run() -> int:
        async with app_session(current, None) as session:
            tenant_ids = await TenantRepository(session).all_ids("vault key rotation")
        total = 0
        with Progress(
            TextColumn("re-encrypting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("tenants"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("tenants", total=len(tenant_ids))
            for tenant_id in tenant_ids:
                # One unit of work per tenant, under that tenant's row-level security.
                async with app_session(current, tenant_id) as session:
                    total += await credentials.reencrypt_tenant(session, keyring)
                    total += await notification_webhook.reencrypt_tenant(session, keyring)
                progress.advance(task)
        return total

    count = run_async(run())
    console.print(f"[green]{count} credential(s) re-encrypted with key {keyring.primary_key_id}[/]")


@app.command("generate")
def generate() -> None:
    """Print a new 'kid:key' pair to append to ICOP_VAULT_KEYS."""
    console.print(generate_env_key(), markup=False, highlight=False)
