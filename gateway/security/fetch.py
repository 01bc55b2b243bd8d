"""Fetching revocation data over HTTP, behind a Protocol so tests and callers can swap it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import httpx

__all__ = ["FetchError", "Fetcher", "HttpxFetcher"]


class FetchError(Exception):
    """The revocation source could not be reached or answered with an HTTP error."""


class Fetcher(Protocol):
    def get(self, url: str) -> bytes: ...

    def post(self, url: str, body: bytes, content_type: str) -> bytes: ...


@dataclass
class HttpxFetcher:
    """Plain HTTP(S) fetches with a timeout and a size cap (OCSP and CRLs are served over http)."""

    timeout_seconds: float = 10.0
    max_bytes: int = 20 * 1024 * 1024
    _client: httpx.Client | None = field(default=None, repr=False)

    def _send(self, request: httpx.Request) -> bytes:
        client = self._client or httpx.Client(timeout=self.timeout_seconds, trust_env=False)
        try:
            with client.stream(
                request.method, request.url, content=request.content, headers=request.headers
            ) as resp:
                if resp.status_code != 200:
                    raise FetchError(f"{request.url} answered HTTP {resp.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(
                            f"{request.url}: response larger than {self.max_bytes} bytes"
                        )
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise FetchError(f"{request.url}: {type(exc).__name__}: {exc}") from None
        finally:
            if self._client is None:
                client.close()

    def get(self, url: str) -> bytes:
        return self._send(httpx.Request("GET", url))

    def post(self, url: str, body: bytes, content_type: str) -> bytes:
        return self._send(
            httpx.Request("POST", url, content=body, headers={"Content-Type": content_type})
        )
