"""The language model that helps sellers and moderators. Default: none (the services answer with their
rules). Real: Gemini through google-genai, when GEMINI_API_KEY is set.

One call, `ask(task, fields, answer, image=None)`: the prompt is the file `prompts/<task>.txt` with `fields`
filled in (and, when given, a small photo — JPEG or WebP bytes, at most IMAGE_MAX_BYTES — as an inline part
after it), the model is asked for JSON in the shape of the pydantic model `answer`, and what comes back is
validated against it. Anything else — no key, a timeout, a refusal, 429, a malformed answer — raises AiUnavailable,
and the caller falls back to its rules; a page never waits longer than GEMINI_TIMEOUT_SECONDS. Each call
logs its latency, tokens and cost. On the wire (for a fake on 127.0.0.1 through GEMINI_BASE_URL):
`POST {base}/{version}/models/{model}:generateContent`, header `x-goog-api-key`."""
from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

PROMPTS = Path(__file__).resolve().parent / "prompts"
A = TypeVar("A", bound=BaseModel)
IMAGE_MAX_BYTES = 100_000  # a thumbnail: enough for the model to see the item, cheap to send


class AiUnavailable(RuntimeError):
    """No usable answer from the model: use the rules."""


class Assistant(Protocol):
    name: str

    def ask(self, task: str, fields: Mapping[str, str], answer: type[A], image: bytes | None = None) -> A: ...


def image_type(data: bytes | None) -> str | None:
    """The media type of a photo the model may be shown (JPEG or WebP, at most IMAGE_MAX_BYTES), else None."""
    if not data or len(data) > IMAGE_MAX_BYTES:
        return None
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def prompt(task: str, fields: Mapping[str, str]) -> str:
    """The task's prompt with its fields filled in (each field's text as given, never re-read as a template)."""
    text = (PROMPTS / f"{task}.txt").read_text(encoding="utf-8")
    for name, value in fields.items():
        text = text.replace("{" + name + "}", str(value))
    return text


class NoModel:
    """No model configured: every question goes to the rules."""

    name = "rules"

    def ask(self, task: str, fields: Mapping[str, str], answer: type[A], image: bytes | None = None) -> A:
        raise AiUnavailable("no model configured")


class Gemini:
    name = "gemini"

    def __init__(self, api_key: str, model: str, base_url: str | None = None, timeout_seconds: float = 8.0,
                 price_in: float = 0.0, price_out: float = 0.0) -> None:
        from google import genai
        from google.genai import types

        self.model = model
        self.price_in, self.price_out = price_in, price_out  # US dollars per million tokens
        options = types.HttpOptions(timeout=int(timeout_seconds * 1000),
                                    retry_options=types.HttpRetryOptions(attempts=1))
        if base_url:
            options.base_url = base_url
        self.client = genai.Client(api_key=api_key, http_options=options)
        self._types = types

    def _contents(self, task: str, fields: Mapping[str, str], image: bytes | None) -> Any:
        text = prompt(task, fields)
        media_type = image_type(image)
        if image is None or media_type is None:
            return text
        types = self._types
        return [types.Content(role="user", parts=[types.Part.from_text(text=text),
                                                  types.Part.from_bytes(data=image, mime_type=media_type)])]

    def ask(self, task: str, fields: Mapping[str, str], answer: type[A], image: bytes | None = None) -> A:
        started = time.perf_counter()
        try:
            response = self.client.models.generate_content(
                model=self.model, contents=self._contents(task, fields, image),
                config=self._types.GenerateContentConfig(response_mime_type="application/json",
                                                         response_schema=answer, temperature=0.4))
            result = answer.model_validate_json(response.text or "")
        except ValidationError as error:
            self._log(task, started, None, f"malformed answer: {error.error_count()} errors")
            raise AiUnavailable("malformed answer") from None
        except Exception as error:  # the SDK's HTTP, timeout and API errors: the rules answer instead
            self._log(task, started, None, f"{type(error).__name__}: {str(error)[:200]}")
            raise AiUnavailable(type(error).__name__) from None
        self._log(task, started, getattr(response, "usage_metadata", None), "ok")
        return result

    def _log(self, task: str, started: float, usage: Any, outcome: str) -> None:
        tokens_in = int(getattr(usage, "prompt_token_count", 0) or 0)
        tokens_out = int(getattr(usage, "candidates_token_count", 0) or 0)
        cost = (tokens_in * self.price_in + tokens_out * self.price_out) / 1_000_000
        log.info("gemini %s %s: %.0f ms, %d tokens in, %d out, $%.6f", task, outcome,
                 (time.perf_counter() - started) * 1000, tokens_in, tokens_out, cost)


def ai_from_config(config: Mapping[str, Any]) -> Assistant:
    """Gemini when GEMINI_API_KEY is set, no model (the rules) otherwise."""
    if not config.get("GEMINI_API_KEY"):
        return NoModel()
    return Gemini(config["GEMINI_API_KEY"], config.get("GEMINI_MODEL") or "gemini-2.5-flash",
                  base_url=config.get("GEMINI_BASE_URL") or None,
                  timeout_seconds=float(config.get("GEMINI_TIMEOUT_SECONDS") or 8),
                  price_in=float(config.get("GEMINI_PRICE_INPUT") or 0),
                  price_out=float(config.get("GEMINI_PRICE_OUTPUT") or 0))
