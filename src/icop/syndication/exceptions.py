"""Errors of the syndication service (the platform clients' own errors are in platforms.base)."""

from __future__ import annotations

from icop.errors import Conflict, ICOPError, NotFound


class PostNotFound(NotFound):
    code = "post_not_found"
    title = "Post not found"


class AccountNotFound(NotFound):
    code = "account_not_found"
    title = "Social account not found"


class AccountNeedsReconnect(ICOPError):
    """The account's token cannot be refreshed: the user must connect it again. The account's
    new status is committed with the error."""

    status = 409
    code = "account_needs_reconnect"
    title = "The social account must be connected again"
    commit_before_raise = True


class PostStateConflict(Conflict):
    code = "post_state_conflict"
    title = "The post cannot do that in its current state"


class NoPlatformClient(ICOPError):
    """No client is configured for a platform (a configuration gap, not the user's fault)."""

    status = 503
    code = "platform_not_configured"
    title = "This platform is not configured on this server"
