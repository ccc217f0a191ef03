"""The fake-server toolkit: routing, request recording, fault injection and rate limits.

Each vendor fake subclasses :class:`FakeAPI`, declares routes with :func:`route`, and answers
with the vendor's documented envelopes and error bodies. A fake runs in a daemon thread on
127.0.0.1 on a free port, so tests and the demo can start several side by side.
"""

from __future__ import annotations

import collections
import copy
import json
import re
import socket
import struct
import threading
import time
import typing as t
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

if t.TYPE_CHECKING:
    from collections.abc import Callable

Handler = t.Callable[..., "Response"]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Response:
    status: int = 200
    body: t.Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    #: Seconds to wait before answering (a stalled server).
    delay: float = 0.0
    #: How the connection misbehaves instead of answering cleanly: ``"reset"`` closes it with no
    #: answer at all; ``"cut"`` sends the headers (full ``Content-Length``) and half the body,
    #: then closes it (a transfer broken mid-body).
    transport_failure: t.Literal["reset", "cut"] | None = None

    def encoded(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


#: ``answer(api, request)``: what a fault answers instead of the API.
FaultAnswer = t.Callable[["FakeAPI", Request], Response]


@dataclass
class Fault:
    """Answer ``times`` requests matching ``path`` with ``answer``, after letting ``after`` through."""

    answer: FaultAnswer
    path: re.Pattern[str] | None
    times: int
    after: int
    seen: int = 0
    fired: int = 0

    def take(self, request: Request) -> bool:
        if self.path is not None and not self.path.search(request.path):
            return False
        if self.fired >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        self.fired += 1
        return True


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Declare a handler for ``method`` and a full-match path regex (named groups → kwargs)."""

    def decorate(handler: Handler) -> Handler:
        handler.__dict__.setdefault("_routes", []).append((method.upper(), re.compile(pattern)))
        return handler

    return decorate


def json_response(body: t.Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(status=status, body=body, headers=dict(headers or {}))


class FakeAPI:
    """Base class of the vendor fakes.

    Subclasses set ``name`` and ``valid_key``, implement :meth:`authenticate`,
    :meth:`error_body` (the vendor's error envelope) and their routes.
    """

    name: t.ClassVar[str] = "fake"
    #: The dummy credential the sandbox environment uses.
    valid_key: t.ClassVar[str] = "sandbox-key"
    #: Sliding windows (limit, seconds) the real API enforces; the fake answers 429 past them.
    rate_limits: t.ClassVar[tuple[tuple[int, float], ...]] = ()
    _routes: t.ClassVar[list[tuple[str, re.Pattern[str], str]]] = []

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        routes: list[tuple[str, re.Pattern[str], str]] = []
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for method, pattern in getattr(value, "_routes", []):
                    routes.append((method, pattern, attr))
        cls._routes = routes

    def __init__(self, *, seed: int = 1, scale: float = 1.0, enforce_rate_limits: bool = True) -> None:
        self.seed = seed
        self.scale = scale
        self.enforce_rate_limits = enforce_rate_limits
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._hits: collections.deque[float] = collections.deque()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeAPI:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            # A short poll interval: stop() waits for it, and tests start and stop many fakes.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-{self.name}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeAPI:
        return self.start() if self._server is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to put in the tap's ``api_url`` (subclasses add a path prefix if the API has one)."""
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- test controls -----------------------------------------------------------------------

    def inject(self, answer: FaultAnswer, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Answer ``times`` requests whose path matches ``path`` (regex) with ``answer(api, request)``,
        after letting the first ``after`` matching requests through. The general form of the
        helpers below; ``answer`` may call :meth:`answer_normally` and change what it returns."""
        fault = Fault(answer=answer, path=re.compile(path) if path else None, times=times, after=after)
        with self.lock:
            self.faults.append(fault)
        return fault

    def inject_fault(
        self,
        status: int,
        *,
        path: str | None = None,
        times: int = 1,
        after: int = 0,
        headers: dict[str, str] | None = None,
        body: t.Any = None,
    ) -> Fault:
        """Answer the next ``times`` requests whose path matches ``path`` (regex) with ``status``
        and ``body`` (default: the vendor's error body for that status)."""
        if body is None:
            body = self.error_body(status, _REASONS.get(status, "Error"))
        response = json_response(body, status, headers)
        return self.inject(lambda api, request: copy.deepcopy(response), path=path, times=times, after=after)

    def reset_connection(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Close the connection without answering (the client sees a connection reset)."""
        return self.inject(lambda api, request: Response(transport_failure="reset"), path=path, times=times, after=after)

    def cut_transfer(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Send the real answer's headers and half its body, then close the connection."""

        def cut(api: FakeAPI, request: Request) -> Response:
            response = api.answer_normally(request)
            response.transport_failure = "cut"
            return response

        return self.inject(cut, path=path, times=times, after=after)

    def truncate_body(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Answer with the first half of the real body, sent whole (``Content-Length`` matches):
        a server or proxy that cut the document itself."""

        def truncated(api: FakeAPI, request: Request) -> Response:
            response = api.answer_normally(request)
            payload = response.encoded()
            response.body = payload[: len(payload) // 2]
            return response

        return self.inject(truncated, path=path, times=times, after=after)

    def stall(self, seconds: float, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Answer normally, but only after ``seconds`` (longer than a client's timeout: a stall)."""

        def stalled(api: FakeAPI, request: Request) -> Response:
            response = api.answer_normally(request)
            response.delay = seconds
            return response

        return self.inject(stalled, path=path, times=times, after=after)

    def replay_first_page(self, *, path: str, times: int = 1, after: int = 1) -> Fault:
        """Answer with the page the first request to ``path`` got (same body and headers): a
        server that hands out the same page again instead of the one asked for."""

        def replay(api: FakeAPI, request: Request) -> Response:
            regex = re.compile(path)
            first = next(r for r in api.requests if regex.search(r.path) and r.status == 200)
            return api.answer_normally(Request(first.method, first.path, first.query, dict(request.headers)))

        return self.inject(replay, path=path, times=times, after=after)

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def reset_requests(self) -> None:
        with self.lock:
            self.requests.clear()

    def requests_to(self, pattern: str) -> list[RecordedRequest]:
        regex = re.compile(pattern)
        return [r for r in self.requests if regex.search(r.path)]

    # -- vendor-specific hooks ---------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        """Return the vendor's error response when the credential is missing or wrong."""
        raise NotImplementedError

    def error_body(self, status: int, message: str) -> t.Any:
        """The vendor's error envelope for ``status``."""
        return {"message": message}

    def error(self, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return json_response(self.error_body(status, message), status, headers)

    def rate_limited(self, retry_after: int) -> Response:
        return self.error(429, "Rate limit exceeded", {"Retry-After": str(retry_after)})

    def not_found(self, request: Request) -> Response:
        return self.error(404, f"No such resource: {request.path}")

    def response_headers(self, request: Request) -> dict[str, str]:
        """Headers added to every answer (e.g. rate-limit counters)."""
        return {}

    # -- dispatch ----------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            response = self._answer(request)
            response.headers = {**self.response_headers(request), **response.headers}
            self.requests.append(
                RecordedRequest(request.method, request.path, request.query, dict(request.headers), response.status)
            )
            return response

    def _answer(self, request: Request) -> Response:
        for fault in self.faults:
            if fault.take(request):
                return fault.answer(self, request)
        return self.answer_normally(request)

    def answer_normally(self, request: Request) -> Response:
        """The API's own answer: rate limits, authentication, then the route."""
        if self.enforce_rate_limits and self.rate_limits:
            retry_after = self._rate_limit_wait()
            if retry_after is not None:
                return self.rate_limited(retry_after)
        denied = self.authenticate(request)
        if denied is not None:
            return denied
        for method, pattern, attr in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return getattr(self, attr)(request, **match.groupdict())
        return self.not_found(request)

    def _rate_limit_wait(self) -> int | None:
        now = time.monotonic()
        horizon = max(window for _, window in self.rate_limits)
        while self._hits and self._hits[0] <= now - horizon:
            self._hits.popleft()
        for limit, window in self.rate_limits:
            in_window = [h for h in self._hits if h > now - window]
            if len(in_window) >= limit:
                return max(1, int(in_window[-limit] + window - now + 0.999))
        self._hits.append(now)
        return None


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _make_handler(api: FakeAPI) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real APIs
        server_version = f"fake-{api.name}"

        def setup(self) -> None:
            super().setup()
            # Headers and body go out in separate writes: without this, Nagle's algorithm and
            # delayed ACKs add ~40 ms to every request.
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                method=self.command,
                path=parts.path,
                query=parse_qs(parts.query, keep_blank_values=True),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=self.rfile.read(length) if length else b"",
            )
            response = api.dispatch(request)
            payload = response.encoded()
            if response.delay:
                time.sleep(response.delay)
            if response.transport_failure == "reset":
                self.close_connection = True
                # SO_LINGER 0: close with a TCP RST, as a crashed proxy would.
                self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            self.send_response(response.status)
            if response.status != 204:
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(payload)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if response.transport_failure == "cut":
                self.wfile.write(payload[: len(payload) // 2])
                self.close_connection = True
                return
            if response.status != 204:
                self.wfile.write(payload)

        def handle_one_request(self) -> None:
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError):
                # The client gave up first (its timeout during a stall): nothing to answer.
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, format: str, *args: t.Any) -> None:  # noqa: A002
            return  # keep test output quiet; requests are recorded on the fake instead

    return _Handler
