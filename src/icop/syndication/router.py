from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import RedirectResponse

from icop.auth.dependencies import CurrentPrincipal, TenantSession, require_role
from icop.config import Settings
from icop.credentials.dependencies import KeyringDep
from icop.db.keyset import NEXT_CURSOR_HEADER, Cursor
from icop.errors import ICOPError
from icop.gateway.dependencies import (
    Limit,
    Offset,
    PageCursor,
    SessionDep,
    SettingsDep,
    limit_anonymous,
)
from icop.gateway.problems import problem_responses
from icop.models import PostStatus, Role
from icop.syndication import accounts, preview, quota_view, service
from icop.syndication.dependencies import OptionalSyndicationDep, SchedulerDep, SyndicationDep
from icop.syndication.schemas import (
    AccountOut,
    AccountQuotaOut,
    ConnectStarted,
    PostCreate,
    PostOut,
    PostPreview,
    PostValidateRequest,
    RescheduleRequest,
    RetryRequest,
)

accounts_router = APIRouter(
    prefix="/accounts", tags=["social accounts"], responses=problem_responses(401, 403, 404, 429)
)


@accounts_router.get("", response_model=list[AccountOut])
async def list_accounts(
    session: TenantSession, limit: Limit = 50, offset: Offset = 0
) -> list[AccountOut]:
    """The connected accounts, their token health (``can_refresh``: renewed automatically)
    and status."""
    return await accounts.views(
        session, await accounts.list_accounts(session, limit=limit, offset=offset)
    )


@accounts_router.get("/{account_id}", response_model=AccountOut)
async def get_account(account_id: UUID, session: TenantSession) -> AccountOut:
    return (await accounts.views(session, [await accounts.get(session, account_id)]))[0]


@accounts_router.get("/{account_id}/quota", response_model=AccountQuotaOut)
async def get_account_quota(
    account_id: UUID, session: TenantSession, settings: SettingsDep
) -> AccountQuotaOut:
    """What the account may still post: per rolling window the posts counted, left and when
    a slot frees up, and any wait the platform asked for."""
    return await quota_view.account_quota(session, settings, account_id)


@accounts_router.delete(
    "/{account_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[require_role(Role.EDITOR)],
)
async def disconnect_account(
    account_id: UUID, principal: CurrentPrincipal, session: TenantSession
) -> None:
    """Delete the account's tokens; its posts' history stays."""
    await accounts.disconnect(session, principal, account_id)


@accounts_router.post(
    "/connect/{provider}",
    response_model=ConnectStarted,
    dependencies=[require_role(Role.EDITOR)],
)
async def connect_account(
    provider: str,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    keyring: KeyringDep,
    runtime: SyndicationDep,
) -> ConnectStarted:
    """Start a connect flow ("meta", "threads" or "x"): send the user to
    `authorization_url`; the platform sends them back to the callback."""
    return await accounts.start_connect(
        session, settings, keyring, dict(runtime.oauth), principal, provider
    )


def _dashboard_accounts(settings: Settings, outcome: dict[str, str]) -> RedirectResponse:
    """Where a person's browser lands after the consent page: the dashboard's accounts page,
    with what happened in the query. The dashboard is at ``ICOP_DASHBOARD_URL``, else at the
    public URL (served under the same origin), else where ``icop up`` serves it."""
    base = settings.dashboard_url or settings.public_url
    if base is None and settings.web_enabled:
        host = "127.0.0.1" if settings.web_host in ("0.0.0.0", "::", "") else settings.web_host  # noqa: S104 - compared, not bound
        base = f"http://{host}:{settings.web_port}"
    target = f"{(base or settings.base_url).rstrip('/')}/accounts?{urlencode(outcome)}"
    return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)


@accounts_router.get(
    "/callback/{provider}",
    response_model=list[AccountOut],
    dependencies=[Depends(limit_anonymous)],
    responses={303: {"description": "A browser (Accept: text/html) goes back to the dashboard."}},
)
async def connect_callback(
    provider: str,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    keyring: KeyringDep,
    runtime: SyndicationDep,
    code: str = Query(min_length=1, max_length=2000),
    state: str = Query(min_length=1, max_length=500),
) -> list[AccountOut] | RedirectResponse:
    """Where the platform redirects after the user agreed: the code becomes tokens in the
    vault and the accounts it grants are connected. A browser is sent on to the dashboard's
    accounts page (``?connected=…`` or ``?connect_error=…``); a program gets the accounts."""
    browser = "text/html" in request.headers.get("accept", "")
    try:
        connected = await accounts.finish_connect(
            session, keyring, dict(runtime.oauth), provider, code=code, state=state
        )
    except ICOPError as error:
        if not browser:
            raise
        return _dashboard_accounts(settings, {"connect_error": error.detail})
    if browser:
        names = ",".join(sorted({a.platform for a in connected}))
        return _dashboard_accounts(settings, {"connected": names})
    return await accounts.views(session, connected)


posts_router = APIRouter(
    prefix="/posts", tags=["posts"], responses=problem_responses(401, 403, 404, 429)
)


@posts_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=list[PostOut],
    dependencies=[require_role(Role.EDITOR)],
    responses=problem_responses(402, 409, 503),
)
async def schedule_posts(
    body: PostCreate,
    principal: CurrentPrincipal,
    session: TenantSession,
    settings: SettingsDep,
    scheduler: SchedulerDep,
) -> list[PostOut]:
    """Schedule an article's social copy (or your own text) to the chosen accounts, one post
    per account. Each is validated for its platform first: what was changed and what to know
    come back with it; what cannot be sent is a 422 listing every issue. An article's post
    links to the article's public page when it is on the blog and the workspace links posts
    on that platform (``/post-links``)."""
    return await service.create(session, settings, scheduler, principal, body)


@posts_router.post(
    "/validate",
    response_model=PostPreview,
    dependencies=[require_role(Role.EDITOR)],
)
async def validate_post(body: PostValidateRequest, session: TenantSession) -> PostPreview:
    """Check a draft for one platform as scheduling would, and save nothing: the fixed text,
    each post's length counted the platform's way, what was changed, warnings, errors, and
    what must happen to each image. With ``account_id``, that account's posts of the last
    week are checked for duplicates too."""
    return await preview.preview(session, body)


@posts_router.get("", response_model=list[PostOut])
async def calendar(
    session: TenantSession,
    response: Response,
    start: datetime | None = Query(default=None, alias="from"),
    end: datetime | None = Query(default=None, alias="to"),
    status: PostStatus | None = Query(default=None),
    account_id: UUID | None = None,
    limit: Limit = 200,
    offset: Offset = 0,
    cursor: PageCursor = None,
) -> list[PostOut]:
    """Posts scheduled in [from, to), earliest first (a calendar). A full page carries
    ``X-Next-Cursor``: pass it back as ``cursor`` for the next one (keyset pagination)."""
    posts = await service.calendar(
        session,
        start=start,
        end=end,
        status=status,
        account_id=account_id,
        limit=limit,
        offset=offset,
        after=Cursor.decode(cursor) if cursor else None,
    )
    if len(posts) == limit:
        response.headers[NEXT_CURSOR_HEADER] = Cursor(posts[-1].scheduled_at, posts[-1].id).encode()
    return [PostOut.model_validate(p) for p in posts]


@posts_router.get("/{post_id}", response_model=PostOut)
async def get_post(post_id: UUID, session: TenantSession) -> PostOut:
    """The post with every publish attempt (intent, answer, outcome, platform error)."""
    return await service.get(session, post_id)


_STEER = {
    "dependencies": [require_role(Role.EDITOR)],
    "response_model": PostOut,
    "responses": problem_responses(409, 503),
}


@posts_router.post("/{post_id}/cancel", **_STEER)  # type: ignore[arg-type]
async def cancel_post(
    post_id: UUID, principal: CurrentPrincipal, session: TenantSession, scheduler: SchedulerDep
) -> PostOut:
    return await service.cancel(session, scheduler, principal, post_id)


@posts_router.post("/{post_id}/reschedule", **_STEER)  # type: ignore[arg-type]
async def reschedule_post(
    post_id: UUID,
    body: RescheduleRequest,
    principal: CurrentPrincipal,
    session: TenantSession,
    scheduler: SchedulerDep,
) -> PostOut:
    return await service.reschedule(session, scheduler, principal, post_id, body.scheduled_at)


@posts_router.post("/{post_id}/publish-now", **_STEER)  # type: ignore[arg-type]
async def publish_post_now(
    post_id: UUID, principal: CurrentPrincipal, session: TenantSession, scheduler: SchedulerDep
) -> PostOut:
    return await service.publish_now(session, scheduler, principal, post_id)


@posts_router.post("/{post_id}/retry", **_STEER)  # type: ignore[arg-type]
async def retry_post(
    post_id: UUID,
    principal: CurrentPrincipal,
    session: TenantSession,
    scheduler: SchedulerDep,
    runtime: OptionalSyndicationDep,
    body: RetryRequest | None = None,
) -> PostOut:
    """Send a failed post again. An unconfirmed one is first looked for on the platform:
    found, it is recorded and not sent again; `force` skips that look (it may post twice)."""
    return await service.retry(
        session,
        scheduler,
        runtime,
        principal,
        post_id,
        force=bool(body and body.force),
    )
