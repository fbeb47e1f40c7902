"""Serving the app over HTTP: a threaded standard-library WSGI server.

The standard library server is enough for a pilot's load, needs no extra dependency, and
gives the fault hooks direct access to the socket (to drop a connection before reading a
request, or after a commit without answering). Each request gets its own thread.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import socketserver
import ssl
import struct
import threading
from typing import Any, Self
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from .access import DEFAULT_ROLE
from .app import ABORT_KEY, FhirApp, make_app
from .behaviours import Behaviours
from .errors import REASONS, operation_outcome
from .faults import Faults

LOOPBACK_NAMES = ("localhost",)


class RemoteBindRefused(ValueError):
    """Raised when asked to listen beyond loopback without allow_remote."""


def is_loopback(host: str) -> bool:
    """True when every address `host` resolves to is a loopback address."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(str(i[4][0]).split("%")[0]).is_loopback for i in infos)


class _Handler(WSGIRequestHandler):
    """One request per connection; knows how to drop the connection on purpose."""

    timeout = 120  # seconds a silent client may hold a thread

    def handle(self) -> None:
        faults: Faults | None = getattr(self.server, "faults", None)
        if faults is not None and faults.take_connection_drop():
            self.abort_connection()
            return
        if isinstance(self.connection, ssl.SSLSocket):
            try:
                self.connection.do_handshake()
            except (OSError, ssl.SSLError):
                return
        super().handle()

    def get_environ(self) -> dict[str, Any]:
        env = super().get_environ()
        env[ABORT_KEY] = self.abort_connection
        if isinstance(self.connection, ssl.SSLSocket):
            env["HTTPS"] = "on"
        return env

    def abort_connection(self) -> None:
        """Reset the connection: the client sees it drop with no response."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors the HTTP layer answers before the app sees the request (a request line over
        64 KB is 414, a malformed one 400) as an OperationOutcome, like every other error,
        instead of the standard library's HTML page."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":
            self.request_version = "HTTP/1.0"  # answer with a status line and headers: no one speaks 0.9
        body = error_body(code, message or "The request could not be read.")
        try:
            self.send_response(code, message)
            self.send_header("Content-Type", "application/fhir+json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD" and code >= 200 and code not in (204, 304):
                self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the app logs each request itself, without query strings."""


def error_body(code: int, message: str) -> bytes:
    """An OperationOutcome for an error found while reading the HTTP request itself."""
    issue_code = {414: "too-long", 431: "too-long", 413: "too-long"}.get(code, "structure")
    outcome = operation_outcome(
        "error" if code < 500 else "fatal", issue_code, f"{message} ({code} {REASONS.get(code, '')})".strip()
    )
    return json.dumps(outcome).encode("utf-8")


class _Server(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    request_queue_size = 128
    faults: Faults | None = None

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's reverse DNS lookup, which can stall start-up.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)
        self.setup_environ()


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(
    app: FhirApp,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    allow_remote: bool = False,
    tls_cert: str | None = None,
    tls_key: str | None = None,
) -> _Server:
    """Bind (but do not start) the HTTP server. Refuses non-loopback hosts unless allowed."""
    if not allow_remote and not is_loopback(host):
        raise RemoteBindRefused(
            f"Refusing to listen on {host!r}: that accepts connections from other machines. The server binds "
            "to "
            "loopback (127.0.0.1) unless you pass --allow-remote, and then it should sit behind TLS "
            "(--tls-cert/--tls-key or a TLS-terminating proxy) because devices send health records."
        )
    cls = _Server6 if ":" in host else _Server
    server = cls((host, port), _Handler)
    server.set_app(app)
    server.faults = app.faults
    if tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(tls_cert, tls_key)
        # The handshake happens in the request thread (see _Handler.handle), not in accept().
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    return server


class RunningServer:
    """A server running in a background thread (tests, demos, benchmarks).

    Use as a context manager or call stop(). `url` is the FHIR base, e.g. http://127.0.0.1:54321
    """

    def __init__(self, server: _Server, app: FhirApp) -> None:
        self.server = server
        self.app = app
        self.store = app.store
        self.faults = app.faults
        self.behaviours = app.behaviours
        host, port = server.server_address[:2]
        assert isinstance(host, str)  # a bound internet socket's own address names its host as text
        self.port = int(port)
        scheme = "https" if isinstance(server.socket, ssl.SSLSocket) else "http"
        shown = f"[{host}]" if ":" in str(host) else host
        self.url = f"{scheme}://{shown}:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def add_device(self, name: str, role: str = DEFAULT_ROLE) -> str:
        """Enrol a device ("worker" or "supervisor", see access.py) and return its token."""
        return self.store.add_device(name, role)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)
        self.store.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_in_thread(
    db_url: str,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    faults: Faults | None = None,
    behaviours: Behaviours | None = None,
    page_ttl_s: float | None = None,
    max_body: int | None = None,
    contact: str | None = None,
    tls_cert: str | None = None,
    tls_key: str | None = None,
    max_entries: int | None = None,
    max_write_s: float | None = None,
) -> RunningServer:
    """Start a server on a free loopback port (port=0) and return once it is accepting.

    `behaviours` switches on real servers' limits (see behaviours.py); the object stays live,
    so a test may change its fields while the server runs (also via `RunningServer.behaviours`).
    """
    kwargs: dict[str, Any] = {"faults": faults, "behaviours": behaviours, "page_ttl_s": page_ttl_s}
    if max_body is not None:
        kwargs["max_body"] = max_body
    if contact is not None:
        kwargs["contact"] = contact
    if max_entries is not None:
        kwargs["max_entries"] = max_entries
    kwargs["max_write_s"] = max_write_s
    app = make_app(db_url, **kwargs)
    try:
        server = make_server(app, host, port, tls_cert=tls_cert, tls_key=tls_key)
    except BaseException:
        app.store.close()
        raise
    return RunningServer(server, app)
