"""The bundled local model (llama.cpp via xllamacpp) as a router provider.

The server runs one model, chosen by ``ICOP_LLM_LOCAL_MODEL``; policy candidates name it
``default`` (or its catalog name). It starts lazily on the first call (or with ``icop up``).
"""

from __future__ import annotations

import time
from typing import Any

from icop.llm.local.client import ChatMessage, LocalLLMClient
from icop.llm.local.errors import (
    BadResponse,
    ContextLengthExceeded,
    LLMTimeout,
    LocalLLMError,
    ServerUnavailable,
    TruncatedAnswer,
)
from icop.llm.local.sampling import anti_loop, for_prompt
from icop.llm.local.server import LocalServer
from icop.llm.providers.base import (
    Capabilities,
    CompletionRequest,
    CompletionResult,
    ProviderBadRequest,
    ProviderBadResponse,
    ProviderTimeout,
    ProviderTruncated,
    ProviderUnavailable,
)

DEFAULT_ALIAS = "default"


class LocalProvider:
    name = "local"

    def __init__(
        self, server: LocalServer, *, timeout_s: float = 600.0, dry_multiplier: float = 0.0
    ) -> None:
        self.server = server
        self.client = LocalLLMClient(server, timeout_s=timeout_s)
        # Prose only: a structured answer is grammar-bound, and its retry leaves a loop warmer.
        self.prose_sampling = anti_loop(dry_multiplier)

    @property
    def model_name(self) -> str:
        return self.server.config.model

    def capabilities(self, model: str) -> Capabilities:
        context = self.server.config.ctx_per_slot
        return Capabilities(json_schema=True, max_context_tokens=context, max_output_tokens=context)

    def configured(self) -> bool:
        return True

    async def count_tokens(self, model: str, text: str) -> int:
        try:
            return (await self.client.count_tokens(text)).tokens
        except LocalLLMError:
            # Budgeting must not fail because the server is still starting: over-estimate.
            return len(text.encode()) // 2 + 1

    async def complete(self, request: CompletionRequest) -> CompletionResult:
        if request.model not in (DEFAULT_ALIAS, self.model_name):
            raise ProviderBadRequest(
                self.name, f"this server runs {self.model_name!r}, not {request.model!r}"
            )
        messages: list[ChatMessage] = [
            {"role": m.role, "content": m.content} for m in request.messages
        ]
        started = time.perf_counter()
        parsed: Any | None = None
        try:
            if request.json_schema is not None:
                structured = await self.client.chat_json(
                    messages,
                    request.json_schema.schema,
                    name=request.json_schema.name,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    seed=request.seed,
                )
                result, parsed = structured.result, structured.data
            else:
                result = await self.client.chat(
                    messages,
                    max_tokens=request.max_tokens,
                    temperature=request.temperature,
                    seed=request.seed,
                    stop=request.stop or None,
                    sampling=for_prompt(self.prose_sampling, messages[-1]["content"]),
                )
        except ContextLengthExceeded as error:
            raise ProviderBadRequest(self.name, error.detail) from error
        except TruncatedAnswer as error:
            tail = str(error.extra.get("text") or "")
            raise ProviderTruncated(self.name, error.detail, tail=tail) from error
        except BadResponse as error:
            raise ProviderBadResponse(self.name, error.detail) from error
        except LLMTimeout as error:
            raise ProviderTimeout(self.name, error.detail) from error
        except (ServerUnavailable, LocalLLMError) as error:
            raise ProviderUnavailable(self.name, error.detail) from error
        return CompletionResult(
            text=result.text,
            parsed=parsed,
            model=result.model or self.model_name,
            prompt_tokens=result.usage.prompt_tokens,
            completion_tokens=result.usage.completion_tokens,
            finish_reason=result.finish_reason,
            latency_s=time.perf_counter() - started,
        )

    async def aclose(self) -> None:
        await self.client.aclose()
        self.server.close()
