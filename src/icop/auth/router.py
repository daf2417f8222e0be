from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request, status

from icop.auth import account_links, service
from icop.auth.dependencies import CurrentPrincipal, MailerDep, TokensDep
from icop.auth.schemas import (
    Accepted,
    LoginRequest,
    PasswordReset,
    PasswordResetRequest,
    RefreshRequest,
    SignupRequest,
    TokenPair,
    VerifyEmailRequest,
)
from icop.auth.service import ClientInfo
from icop.auth.throttle import ThrottlePolicy
from icop.gateway.dependencies import SessionDep, SettingsDep, client_address, limit_anonymous
from icop.gateway.problems import problem_responses
from icop.mail.mailer import deliver

router = APIRouter(
    prefix="/auth",
    tags=["auth"],
    dependencies=[Depends(limit_anonymous)],
    responses=problem_responses(400, 401, 409, 422, 429),
)


def _client(request: Request) -> ClientInfo:
    return ClientInfo(
        user_agent=request.headers.get("user-agent"), ip_address=client_address(request)
    )


def _preferred_language(request: Request) -> str:
    """Korean when the browser ranks it above English (or lists no English), else English."""
    ranked = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in ("ko", "en"):
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else "en"


@router.post("/signup", status_code=status.HTTP_201_CREATED, response_model=TokenPair)
async def signup(
    body: SignupRequest,
    request: Request,
    session: SessionDep,
    tokens: TokensDep,
    settings: SettingsDep,
    mailer: MailerDep,
    background: BackgroundTasks,
) -> TokenPair:
    """Create a tenant and its owner account; returns the owner's tokens and sends the owner
    an e-mail verification link."""
    pair = await service.signup(
        session,
        tokens,
        email=body.email,
        password=body.password,
        company_name=body.company_name,
        display_name=body.display_name,
        client=_client(request),
        language=body.language or _preferred_language(request),
    )
    message = await account_links.verification_mail(
        session, settings, tenant_id=pair.tenant_id, user_id=pair.user_id
    )
    background.add_task(deliver, mailer, [message])
    return pair


@router.post("/login", response_model=TokenPair)
async def login(
    body: LoginRequest,
    request: Request,
    session: SessionDep,
    tokens: TokensDep,
    settings: SettingsDep,
) -> TokenPair:
    """Log in. After repeated failures for one e-mail address its logins are refused for a
    while (429 with Retry-After), from any client address, whether or not the account exists."""
    return await service.login(
        session,
        tokens,
        email=body.email,
        password=body.password,
        tenant_id=body.tenant_id,
        client=_client(request),
        throttle_policy=ThrottlePolicy.from_settings(settings),
    )


@router.post("/refresh", response_model=TokenPair)
async def refresh(body: RefreshRequest, session: SessionDep, tokens: TokensDep) -> TokenPair:
    """Rotate a refresh token. Each refresh token works once; presenting a used one revokes
    the whole session (it means a copy leaked)."""
    return await service.refresh(session, tokens, body.refresh_token)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, session: SessionDep) -> None:
    """End the caller's session: its refresh tokens and access tokens stop working."""
    await service.logout(session, principal)


@router.post("/verify-email/request", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def request_email_verification(
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    background: BackgroundTasks,
) -> Accepted:
    """Send the caller a new verification link (earlier links stop working); 409 when the
    address is already verified."""
    message = await account_links.resend_verification(session, settings, principal)
    background.add_task(deliver, mailer, [message])
    return Accepted(detail="a verification link is on its way")


@router.post("/verify-email", status_code=status.HTTP_204_NO_CONTENT)
async def verify_email(body: VerifyEmailRequest, session: SessionDep) -> None:
    """Confirm the e-mail address with the token from the verification link (once)."""
    await account_links.verify_email(session, body.token)


@router.post(
    "/password-reset/request", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted
)
async def request_password_reset(
    body: PasswordResetRequest,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    background: BackgroundTasks,
) -> Accepted:
    """E-mail a password reset link to every account with this address. The answer is the
    same whether or not one exists."""
    messages = await account_links.request_password_reset(session, settings, body.email)
    background.add_task(deliver, mailer, messages)
    return Accepted(detail="if an account has this address, a reset link is on its way")


@router.post("/password-reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(body: PasswordReset, session: SessionDep) -> None:
    """Set a new password with the token from the reset link (once); every session of the
    account ends."""
    await account_links.reset_password(session, body.token, body.new_password)
