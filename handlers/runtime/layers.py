"""A layer around PTB's request object: sees each call to the Bot API on its way out and
its answer on the way back, without changing either."""

from __future__ import annotations

from typing import Any

from telegram.request import BaseRequest, RequestData


class RequestLayer(BaseRequest):
    """Passes everything to ``inner``; subclasses look at calls in :meth:`leaving` (after
    the rate limiter let it through, as it is handed to the network) and :meth:`answered`."""

    def __init__(self, inner: BaseRequest) -> None:
        self.inner = inner

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def leaving(self, method: str) -> None:
        """``method`` (``sendMessage``...) is about to go."""

    async def answered(
        self, method: str, request_data: RequestData | None, code: int, payload: bytes
    ) -> None:
        """Telegram answered ``method`` with ``code`` and ``payload``."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        await self.leaving(api_method)
        code, payload = await self.inner.do_request(
            url, method, request_data, read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )  # fmt: skip
        await self.answered(api_method, request_data, code, payload)
        return code, payload
