from __future__ import annotations

from uuid import UUID

import typer

from icop.auth import passwords
from icop.auth import service as auth
from icop.auth.schemas import SignupRequest
from icop.auth.service import ClientInfo
from icop.auth.tokens import TokenService
from icop.cli.common import app_session, console, fail, friendly_errors, run_async, settings
from icop.db.session import bind_tenant
from icop.models import Role, SubscriptionPlan
from icop.schemas import RequestModel
from icop.tenants.repository import TenantRepository
from icop.users.repository import UserRepository

tenant_app = typer.Typer(help="Tenants.", no_args_is_help=True)
user_app = typer.Typer(help="Users.", no_args_is_help=True)


def _validated(model: type[RequestModel], **values: object) -> RequestModel:
    from pydantic import ValidationError

    try:
        return model.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        raise fail(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from None


@tenant_app.command("create")
@friendly_errors
def create_tenant(
    company_name: str = typer.Argument(..., help="The tenant's (company's) name."),
    owner_email: str = typer.Option(..., "--owner-email", help="E-mail of the first owner."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="ICOP_OWNER_PASSWORD"
    ),
    plan: SubscriptionPlan = typer.Option(SubscriptionPlan.FREE, help="Subscription plan."),
) -> None:
    """Create a tenant with its owner (the same as sign-up through the API)."""
    current = settings()
    request = _validated(
        SignupRequest, email=owner_email, password=password, company_name=company_name
    )
    assert isinstance(request, SignupRequest)

    async def run() -> None:
        async with app_session(current, None) as session:
            pair = await auth.signup(
                session,
                TokenService.from_settings(current),
                email=request.email,
                password=request.password,
                company_name=request.company_name,
                display_name=None,
                client=ClientInfo(user_agent="icop-cli"),
                plan=plan,
            )
        console.print(f"[green]created tenant {request.company_name!r}[/] on the {plan.value} plan")
        console.print(f"tenant_id: {pair.tenant_id}", highlight=False)
        console.print(f"owner_user_id: {pair.user_id}", highlight=False)

    run_async(run())


@tenant_app.command("set-plan")
@friendly_errors
def set_plan(tenant_id: UUID, plan: SubscriptionPlan) -> None:
    """Change a tenant's subscription plan (and so its monthly quotas)."""
    current = settings()

    async def run() -> None:
        async with app_session(current, tenant_id) as session:
            tenant = await TenantRepository(session).get(tenant_id)
            if tenant is None:
                raise fail(f"no tenant {tenant_id}")
            tenant.subscription_plan = plan
        console.print(f"[green]tenant {tenant_id} is now on the {plan.value} plan[/]")

    run_async(run())


@user_app.command("create")
@friendly_errors
def create_user(
    tenant_id: UUID = typer.Option(..., "--tenant", help="The tenant's id."),
    email: str = typer.Option(..., help="The user's e-mail."),
    role: Role = typer.Option(Role.EDITOR, help="viewer, editor, admin or owner."),
    password: str = typer.Option(
        ..., prompt=True, hide_input=True, confirmation_prompt=True, envvar="ICOP_USER_PASSWORD"
    ),
) -> None:
    """Add a user to a tenant directly (the API's way is an invitation)."""
    current = settings()
    request = _validated(SignupRequest, email=email, password=password, company_name="-")
    assert isinstance(request, SignupRequest)

    async def run() -> None:
        async with app_session(current, tenant_id) as session:
            await bind_tenant(session, tenant_id)
            if await TenantRepository(session).get(tenant_id) is None:
                raise fail(f"no tenant {tenant_id}")
            users = UserRepository(session)
            if await users.get_by_email(request.email) is not None:
                raise fail(f"{request.email} is already a member of this tenant")
            user = await users.create(
                tenant_id=tenant_id,
                email=request.email,
                password_hash=await passwords.hash_password(password),
                role=role.value,
                display_name=None,
            )
        console.print(f"[green]created {role.value} {request.email}[/] (user_id {user.id})")

    run_async(run())
