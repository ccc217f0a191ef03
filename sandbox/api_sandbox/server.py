"""The fake-server toolkit: routing, vendor errors, request recording, fault injection and rate limits.

A vendor fake subclasses :class:`FakeAPI`, keeps its generated records in ``data``, declares its
routes with :func:`route` and answers with the vendor's documented envelopes. Anywhere in a
route, or in a helper it calls, ``raise ApiError(status, message, **details)`` answers with the
vendor's error body: the toolkit catches it once and renders it with the fake's
:meth:`FakeAPI.error_body`. The other vendor hooks (:meth:`FakeAPI.authenticate`,
:meth:`FakeAPI.rate_limited`, :meth:`FakeAPI.not_found`, :meth:`FakeAPI.response_headers`,
:meth:`FakeAPI.rate_limit_wait`) are grouped together in the class.

A fake runs in a daemon thread on 127.0.0.1 on a free port, so tests and the demo can start
several side by side. Each request is answered under the fake's ``lock``, and
:meth:`FakeAPI.mutate` changes the data under the same lock, so no page is read half-changed.
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

#: Where every fake listens.
HOST = "127.0.0.1"

#: A route: ``handler(fake, request, **named_groups_of_the_path)``.
Handler = t.Callable[..., "Response"]
#: Sliding windows ``(limit, seconds)``: at most ``limit`` requests in any ``seconds``.
RateLimits = tuple[tuple[int, float], ...]


@dataclass
class Request:
    """A request as the fake received it."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes = b""

    def arg(self, name: str, default: str | None = None) -> str | None:
        """The first value of query parameter ``name``, else ``default``."""
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        """Every value of query parameter ``name``."""
        return list(self.query.get(name, []))

    def header(self, name: str) -> str | None:
        """The value of header ``name`` (any case), if sent."""
        return self.headers.get(name.lower())


@dataclass
class Response:
    """What the fake answers; ``body`` is JSON-encoded unless it is already bytes or text."""

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
        """The body as it goes on the wire."""
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class RecordedRequest:
    """A request the fake answered, with the status it got (``FakeAPI.requests``)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    status: int

    def arg(self, name: str) -> str | None:
        """The first value of query parameter ``name``, if sent."""
        values = self.query.get(name)
        return values[0] if values else None


class ApiError(Exception):
    """An error answer, raised anywhere in a route and rendered in the vendor's error body.

    ``details`` are members of the body beyond the message that the vendor documents for this
    error (Calendly's ``details`` list, OnceHub's ``param``, Float's validation ``field``); the
    fake's :meth:`FakeAPI.error_body` decides where they go.
    """

    def __init__(self, status: int, message: str, **details: t.Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details


class FakeData(t.Protocol):
    """What the toolkit needs of a fake's generated records (its ``data``)."""

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[t.Any]]:
        """Change the records the way real use does; returns what changed, by kind of change."""
        ...


@dataclass(frozen=True)
class WindowUsage:
    """The requests a fake admitted within a rate-limit window."""

    #: Admitted requests in the window.
    used: int
    #: Seconds until the oldest of them leaves the window (None: the window is empty).
    frees_in: float | None


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
        """Whether this fault answers ``request`` (counting it either way)."""
        if self.path is not None and not self.path.search(request.path):
            return False
        if self.fired >= self.times:
            return False
        self.seen += 1
        if self.seen <= self.after:
            return False
        self.fired += 1
        return True


_ROUTE_MARK = "_fake_routes"


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    """Declare a handler for ``method`` and a full-match path regex (named groups → kwargs)."""

    def decorate(handler: Handler) -> Handler:
        handler.__dict__.setdefault(_ROUTE_MARK, []).append((method.upper(), re.compile(pattern)))
        return handler

    return decorate


def json_response(body: t.Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer."""
    return Response(status=status, body=body, headers=dict(headers or {}))


class FakeAPI:
    """Base class of the vendor fakes.

    Subclasses set ``name``, ``valid_key`` and ``data``, implement :meth:`authenticate` and their
    routes, and override the other vendor hooks where the vendor differs from the defaults.
    """

    name: t.ClassVar[str] = "fake"
    #: The dummy credential the sandbox environment uses.
    valid_key: t.ClassVar[str] = "sandbox-key"
    #: Sliding windows the real API enforces; the fake answers 429 past them. Tests may set a
    #: tighter one on an instance.
    rate_limits: RateLimits = ()
    #: The generated records the routes serve (set by each fake).
    data: FakeData
    #: (method, path regex, name of the handler method), collected from the :func:`route` marks.
    _route_table: t.ClassVar[list[tuple[str, re.Pattern[str], str]]] = []

    def __init_subclass__(cls, **kwargs: t.Any) -> None:
        super().__init_subclass__(**kwargs)
        table: list[tuple[str, re.Pattern[str], str]] = []
        for klass in reversed(cls.__mro__):
            for attr, value in vars(klass).items():
                for method, pattern in getattr(value, _ROUTE_MARK, []):
                    table.append((method, pattern, attr))
        cls._route_table = table

    def __init__(
        self, *, seed: int = 1, scale: float = 1.0, enforce_rate_limits: bool = True, latency: float = 0.0
    ) -> None:
        self.seed = seed
        self.scale = scale
        self.enforce_rate_limits = enforce_rate_limits
        #: Seconds each answer takes on top of its work, as a network round trip to the real API.
        self.latency = latency
        #: Requests being answered right now, and the most at once so far.
        self.in_flight = 0
        self.most_in_flight = 0
        self._in_flight_lock = threading.Lock()
        #: Held while a request is answered and while :meth:`mutate` runs.
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []
        self._admitted: collections.deque[float] = collections.deque()  # monotonic times
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, port: int = 0) -> FakeAPI:
        """Serve on ``port`` (0: a free one) in a daemon thread; returns the fake."""
        self._server = ThreadingHTTPServer((HOST, port), _make_handler(self))
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
        """Stop serving and free the port."""
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
        return f"http://{HOST}:{self._server.server_port}"

    # -- test controls -----------------------------------------------------------------------

    def mutate(self, *, seed: int = 2, changes: int = 5) -> dict[str, list[t.Any]]:
        """Change ``data`` the way real use does, under the fake's lock (never mid-page).

        Returns what changed, by kind of change (the fake's data module says which kinds).
        """
        with self.lock:
            return self.data.mutate(seed=seed, changes=changes)

    def inject(self, answer: FaultAnswer, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Answer ``times`` requests whose path matches ``path`` (regex) with ``answer(api, request)``.

        The first ``after`` matching requests are answered normally. The general form of the
        helpers below; ``answer`` may call :meth:`answer_normally` and change what it returns.
        """
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
        """Answer the next ``times`` requests whose path matches ``path`` (regex) with ``status``.

        The body is ``body``, by default the vendor's error body for that status.
        """
        if body is None:
            body = self.error_body(status, _REASONS.get(status, "Error"))
        response = json_response(body, status, headers)
        return self.inject(lambda api, request: copy.deepcopy(response), path=path, times=times, after=after)

    def reset_connection(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Close the connection without answering (the client sees a connection reset)."""
        return self.inject(
            lambda api, request: Response(transport_failure="reset"), path=path, times=times, after=after
        )

    def cut_transfer(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Send the real answer's headers and half its body, then close the connection."""

        def cut(api: FakeAPI, request: Request) -> Response:
            response = api.answer_normally(request)
            response.transport_failure = "cut"
            return response

        return self.inject(cut, path=path, times=times, after=after)

    def truncate_body(self, *, path: str | None = None, times: int = 1, after: int = 0) -> Fault:
        """Answer with the first half of the real body, sent whole (``Content-Length`` matches).

        A server or proxy that cut the document itself.
        """

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
        """Answer with the page the first request to ``path`` got (same body and headers).

        A server that hands out the same page again instead of the one asked for.
        """

        def replay(api: FakeAPI, request: Request) -> Response:
            regex = re.compile(path)
            first = next(r for r in api.requests if regex.search(r.path) and r.status == 200)
            return api.answer_normally(Request(first.method, first.path, first.query, dict(request.headers)))

        return self.inject(replay, path=path, times=times, after=after)

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self.lock:
            self.faults.clear()

    def reset_requests(self) -> None:
        """Forget the recorded requests."""
        with self.lock:
            self.requests.clear()

    def requests_to(self, pattern: str) -> list[RecordedRequest]:
        """The recorded requests whose path matches ``pattern`` (regex)."""
        regex = re.compile(pattern)
        return [r for r in self.requests if regex.search(r.path)]

    # -- vendor hooks ------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Response | None:
        """The vendor's answer when the credential is missing or wrong, else None."""
        raise NotImplementedError

    def error_body(self, status: int, message: str, **details: t.Any) -> t.Any:
        """The vendor's error body for ``status`` (default: ``{"message": ..., **details}``)."""
        return {"message": message, **details}

    def rate_limited(self, retry_after: int) -> Response:
        """The vendor's 429 when a request exceeds :attr:`rate_limits`."""
        return self.error(429, "Rate limit exceeded", headers={"Retry-After": str(retry_after)})

    def not_found(self, request: Request) -> Response:
        """The vendor's 404 for a path no route serves (routes use it for unknown ids too)."""
        return self.error(404, f"No such resource: {request.path}")

    def response_headers(self, request: Request) -> dict[str, str]:
        """Headers added to every answer (e.g. rate-limit counters)."""
        return {}

    def rate_limit_wait(self, now: float) -> int | None:
        """Seconds a request arriving at ``now`` (monotonic) must wait, or None to admit it.

        The default applies the sliding windows of :attr:`rate_limits` to the requests admitted
        so far, and counts an admitted request against them. A fake with a further policy
        (Luma's block after a 429) overrides it and calls ``super()``.
        """
        horizon = max(window for _, window in self.rate_limits)
        while self._admitted and self._admitted[0] <= now - horizon:
            self._admitted.popleft()
        for limit, window in self.rate_limits:
            in_window = [admitted for admitted in self._admitted if admitted > now - window]
            if len(in_window) >= limit:
                return max(1, int(in_window[-limit] + window - now + 0.999))
        self._admitted.append(now)
        return None

    # -- helpers for routes and hooks --------------------------------------------------------

    def error(self, status: int, message: str, *, headers: dict[str, str] | None = None, **details: t.Any) -> Response:
        """An answer with the vendor's error body (what a raised :class:`ApiError` becomes)."""
        return json_response(self.error_body(status, message, **details), status, headers)

    def rate_limit_usage(self, window: float) -> WindowUsage:
        """The admitted requests within the last ``window`` seconds (for vendors' counter headers)."""
        now = time.monotonic()
        in_window = [admitted for admitted in self._admitted if admitted > now - window]
        return WindowUsage(len(in_window), in_window[0] + window - now if in_window else None)

    # -- dispatch ----------------------------------------------------------------------------

    def dispatch(self, request: Request) -> Response:
        """Answer ``request`` (an injected fault's answer, else the API's own) and record it."""
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
        """The API's own answer: rate limits, authentication, then the route (errors rendered)."""
        if self.enforce_rate_limits and self.rate_limits:
            wait = self.rate_limit_wait(time.monotonic())
            if wait is not None:
                return self.rate_limited(wait)
        try:
            denied = self.authenticate(request)
            if denied is not None:
                return denied
            for method, pattern, attr in self._route_table:
                match = pattern.fullmatch(request.path)
                if match and method == request.method:
                    handler: Handler = getattr(self, attr)
                    return handler(request, **match.groupdict())
            return self.not_found(request)
        except ApiError as error:
            return self.error(error.status, error.message, **error.details)


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
            with api._in_flight_lock:
                api.in_flight += 1
                api.most_in_flight = max(api.most_in_flight, api.in_flight)
            try:
                if api.latency:
                    time.sleep(api.latency)  # outside the fake's lock: answers overlap as on a network
                response = api.dispatch(request)
            finally:
                with api._in_flight_lock:
                    api.in_flight -= 1
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

        def log_message(self, format: str, *args: t.Any) -> None:
            return  # keep test output quiet; requests are recorded on the fake instead

    return _Handler
