from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import Field

from icop.auth import passwords
from icop.schemas import Email, RequestModel, ResponseModel

Password = Field(min_length=passwords.MIN_LENGTH, max_length=passwords.MAX_LENGTH)


class SignupRequest(RequestModel):
    email: Email
    password: str = Password
    company_name: str = Field(min_length=1, max_length=200)
    display_name: str | None = Field(default=None, max_length=200)
    language: Literal["en", "ko"] | None = Field(
        default=None,
        description="Language of the e-mails sent to this person. Unset: Korean when the "
        "request's Accept-Language prefers it, English otherwise.",
    )


class LoginRequest(RequestModel):
    email: Email
    password: str = Field(min_length=1, max_length=passwords.MAX_LENGTH)
    tenant_id: UUID | None = Field(
        default=None, description="Needed only when the e-mail has accounts in several tenants."
    )


class RefreshRequest(RequestModel):
    refresh_token: str = Field(min_length=1, max_length=4096)


class TokenPair(ResponseModel):
    tenant_id: UUID
    user_id: UUID
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")


class VerifyEmailRequest(RequestModel):
    token: str = Field(min_length=1, max_length=200, description="The token from the link.")


class PasswordResetRequest(RequestModel):
    email: Email


class PasswordReset(RequestModel):
    token: str = Field(min_length=1, max_length=200, description="The token from the link.")
    new_password: str = Password


class Accepted(ResponseModel):
    detail: str
