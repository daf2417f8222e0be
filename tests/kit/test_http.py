"""The domain-free HTTP plumbing: redaction, error bodies, transport failures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from icop.kit.http import error_message, error_text, redact, transport_failure

KEY = "sk-secret-0123456789"


def test_redact_hides_secrets_only() -> None:
    assert redact("key sk-123456 bad", "sk-123456", None) == "key *** bad"
    assert redact("abc", "") == "abc"
    assert redact("abc", "ab") == "abc"  # too short to be a secret; replacing it would garble


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # OpenAI (code joins the message), Anthropic, Google
        (
            {"error": {"message": "Incorrect API key", "type": "x", "code": "invalid_api_key"}},
            "invalid_api_key: Incorrect API key",
        ),
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
         "Overloaded"),
        ({"error": {"code": 429, "message": "Quota exceeded", "status": "RESOURCE_EXHAUSTED"}},
         "Quota exceeded"),
        # ComfyUI: details join the message
        ({"error": {"message": "Prompt outputs failed validation", "details": "ckpt missing"}},
         "Prompt outputs failed validation: ckpt missing"),
        # Brave
        ({"error": {"code": "SUBSCRIPTION_TOKEN_INVALID", "detail": "bad token"}},
         "SUBSCRIPTION_TOKEN_INVALID: bad token"),
        # Ollama
        ({"error": "model 'x' not found"}, "model 'x' not found"),
        # FastAPI, fal, Tavily
        ({"detail": "Invalid API key"}, "Invalid API key"),
        ({"detail": {"error": "Unauthorized"}}, "Unauthorized"),
        ({"detail": [{"loc": ["body"], "msg": "Field required", "type": "missing"}, "odd"]},
         "missing: Field required; odd"),
        ({"message": "plain"}, "plain"),
        # nothing we know
        ({"error": {}}, "fallback"),
        ({"status": "bad"}, "fallback"),
        (["a", "list"], "fallback"),
        (None, "fallback"),
    ],
)  # fmt: skip
def test_error_message_envelopes(body: object, expected: str) -> None:
    assert error_message(body, "fallback") == expected


def test_error_message_redacts_before_cutting() -> None:
    message = "x" * 10 + KEY
    cut = error_message({"message": message}, secrets=(KEY,), limit=15)
    assert cut == "x" * 10 + "***"
    assert error_message({"message": message}, limit=15) == message[:15]


def test_error_text_reads_json_then_text() -> None:
    assert error_text(httpx.Response(400, json={"error": {"message": f"key {KEY}"}}),
                      secrets=(KEY, None)) == "key ***"  # fmt: skip
    html = httpx.Response(502, text="<html>\n  <b>Bad   Gateway</b>\n</html>")
    assert error_text(html) == "<html> <b>Bad Gateway</b> </html>"
    assert error_text(httpx.Response(500, text="a" * 50), limit=10) == "a" * 10
    assert error_text(httpx.Response(500)) == ""


def test_error_text_of_an_unread_stream_is_empty() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b"{}"

    assert error_text(httpx.Response(500, content=chunks())) == ""


@pytest.mark.parametrize(
    ("error", "timed_out", "sent"),
    [
        (httpx.ConnectError("refused"), False, False),
        (httpx.ConnectTimeout("slow"), True, False),
        (httpx.PoolTimeout("pool"), True, False),
        (httpx.UnsupportedProtocol("ftp"), False, False),
        (httpx.ReadTimeout("slow"), True, True),
        (httpx.WriteTimeout("slow"), True, True),
        (httpx.RemoteProtocolError("peer closed"), False, True),
        (httpx.ReadError("reset"), False, True),
        (httpx.DecodingError("gzip"), False, True),
    ],
)
def test_transport_failures(error: httpx.HTTPError, timed_out: bool, sent: bool) -> None:
    failure = transport_failure(error)
    assert (failure.timed_out, failure.sent) == (timed_out, sent)
    assert failure.name == type(error).__name__


def test_transport_failure_description_is_redacted() -> None:
    failure = transport_failure(httpx.ConnectError(f"https://api.test/?key={KEY} refused"))
    assert failure.describe(KEY) == "https://api.test/?key=*** refused"
    assert transport_failure(httpx.ReadError("")).describe() == "ReadError"
