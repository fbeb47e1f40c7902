"""Serving the app in production: gunicorn, several worker processes, threads in each.

The standard library server (serving.py) starts a thread per connection and lives in one
process, which is fine for tests and demos (and it is the one the fault hooks can reach), but
not for an organisation's pilot: 2,000 idle connections there are 2,001 threads. gunicorn's
threaded worker keeps idle keep-alive connections in a poller and uses a thread only while a
request is being handled, and several workers share the listening socket, so requests run in
parallel on every core. Each worker opens its own database connections; the clock-row lock in
the database keeps writes exactly-once and in order across them (see store.py).

gunicorn runs on Linux and other Unix systems only; the server is run on Linux.

Everything gunicorn itself would answer (a request line that is too long, a malformed
header) is answered as the app answers: an OperationOutcome, never gunicorn's HTML page, and
nothing of the request is logged but the kind of error.
"""

from __future__ import annotations

import errno
import json
import logging
import selectors
import socket
import time
from collections.abc import Callable
from typing import Any

from .errors import REASONS, operation_outcome

log = logging.getLogger("outreach.server")

DEFAULT_THREADS = 8
# Idle keep-alive connections one worker holds open at most (the rest wait in the backlog).
WORKER_CONNECTIONS = 1000


def available() -> bool:
    """Whether gunicorn is installed (the 'server' extra) on a system it supports."""
    try:
        import gunicorn
        import gunicorn.workers.gthread  # noqa: F401
    except ImportError:
        return False
    return True


def serve(
    app_factory: Callable[[], Any],
    sock: socket.socket,
    *,
    workers: int,
    threads: int = DEFAULT_THREADS,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    quiet: bool = False,
) -> None:
    """Serve the app built by `app_factory` (called once in each worker, after the fork, so
    no database connection is shared between processes) on the already bound socket `sock`,
    until SIGTERM or SIGINT."""
    from gunicorn.app.base import BaseApplication

    options: dict[str, Any] = {
        "bind": [f"fd://{sock.fileno()}"],
        "workers": workers,
        "threads": threads,
        "worker_class": "sync.server.production.FhirWorker",
        "worker_connections": WORKER_CONNECTIONS,
        "keepalive": 15,
        # A worker that stops answering its master's heartbeat for this long is replaced.
        "timeout": 120,
        "graceful_timeout": 30,
        # The app logs each request itself, without query strings; gunicorn's access log would
        # log them (identifier searches carry NHS numbers), so it stays off.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        "proc_name": "outreach-server",
    }
    if tls_cert:
        options["certfile"] = tls_cert
        options["keyfile"] = tls_key or tls_cert

    class _Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return app_factory()

    _Application().run()


def _outcome_bytes(status: int, reason: str, what: str) -> bytes:
    body = json.dumps(
        operation_outcome("error" if status < 500 else "fatal", _issue_code(status), what)
    ).encode("utf-8")
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/fhir+json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def _issue_code(status: int) -> str:
    return {414: "too-long", 431: "too-long", 403: "security", 500: "exception"}.get(status, "structure")


def _classify(exc: BaseException) -> tuple[int, str]:
    """The status and words for an error gunicorn found while reading a request."""
    from gunicorn.http import errors as e

    if isinstance(exc, e.LimitRequestLine):
        return 414, "The request line is too long."
    if isinstance(exc, e.LimitRequestHeaders):
        return 431, "The request has too many or too large header fields."
    if isinstance(exc, e.ExpectationFailed):
        return 417, "The Expect header is not supported."
    if isinstance(exc, e.UnsupportedTransferCoding):
        return 501, "The transfer coding is not supported."
    client_errors = tuple(
        getattr(e, name)
        for name in (
            "InvalidRequestLine",
            "InvalidRequestMethod",
            "InvalidHTTPVersion",
            "InvalidHeader",
            "InvalidHeaderName",
            "InvalidProxyLine",
            "ForbiddenProxyRequest",
            "InvalidSchemeHeaders",
            "ObsoleteFolding",
            "InvalidChunkSize",
            "ChunkMissingTerminator",
            "InvalidChunkExtension",
            "NoMoreData",
        )
        if hasattr(e, name)
    )
    if isinstance(exc, client_errors):
        return 400, "The request is not valid HTTP."
    return 500, "The server failed unexpectedly; the error is logged."


try:
    from gunicorn.workers.gthread import ThreadWorker as _ThreadWorker
except ImportError:  # pragma: no cover - gunicorn is the optional 'server' extra
    _ThreadWorker = object


class FhirWorker(_ThreadWorker):
    """gunicorn's threaded worker, answering its own errors with an OperationOutcome and
    logging only their kind (gunicorn's own messages quote the request line, which may hold
    NHS numbers in a query string)."""

    def accept(self, listener: Any) -> None:
        """Accept a connection and park it in the poller until it sends something.

        gunicorn hands a new connection to a request thread at once, which then waits up to
        5 seconds for its first bytes: a few hundred connections that never send anything
        would keep every thread waiting in turn while real requests queue behind them. Parked
        in the poller (as gunicorn parks kept-alive connections), an idle connection costs no
        thread, and is closed after the keep-alive time if it stays silent.
        """
        from functools import partial

        from gunicorn.workers import gthread

        if not hasattr(self, "pending_conns") or not hasattr(self, "on_pending_socket_readable"):
            super().accept(listener)  # a gunicorn without the parking lot: its own behaviour
            return
        try:
            client_sock, client_addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = gthread.TConn(self.cfg, client_sock, client_addr, listener.getsockname())
        client_sock.setblocking(False)
        conn.timeout = time.monotonic() + self.cfg.keepalive
        self.pending_conns.append(conn)
        self.poller.register(
            client_sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn)
        )

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        status, what = _classify(exc)
        if status >= 500:
            log.error("server error while reading a request: %s", type(exc).__name__)
        else:
            log.warning("refused a malformed request: %s (%d)", type(exc).__name__, status)
        try:
            from gunicorn import util

            util.write_nonblock(client, _outcome_bytes(status, REASONS.get(status, "Error"), what))
        except Exception:  # noqa: BLE001 - the client may already be gone
            log.debug("could not send the error answer")
