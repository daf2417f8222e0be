from __future__ import annotations

from icop.errors import BadRequest, Conflict, RateLimited, Unauthorized


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    title = "E-mail or password is wrong"
    # Keep the audit rows of failed attempts.
    commit_before_raise = True


class RefreshTokenReused(Unauthorized):
    code = "refresh_token_reused"
    title = "This refresh token was already used; the session has been revoked"
    # The family's revocation must survive the error response.
    commit_before_raise = True


class SessionRevoked(Unauthorized):
    code = "session_revoked"
    title = "This session has ended; log in again"


class AmbiguousAccount(Conflict):
    code = "ambiguous_account"
    title = "This e-mail has accounts in several tenants"


class LoginThrottled(RateLimited):
    code = "login_throttled"
    title = "Too many failed logins for this account"


class InvalidAccountLink(BadRequest):
    code = "invalid_token"
    title = "This link is unknown, already used or expired"


class EmailAlreadyVerified(Conflict):
    code = "email_already_verified"
    title = "This e-mail address is already verified"
