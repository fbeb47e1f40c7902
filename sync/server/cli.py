"""`outreach-server`: run the shared-record server and enrol or revoke devices.

outreach-server --db sqlite:///shared.db --port 8080
outreach-server add-device "Laptop 7" --db sqlite:///shared.db                  # a worker's laptop
outreach-server add-device "Team lead" --role supervisor --db sqlite:///shared.db
outreach-server revoke-device "Laptop 7" --db sqlite:///shared.db
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Sequence
from typing import Any

from outreach import __version__

from .access import DEFAULT_ROLE, ROLES
from .behaviours import SPEC_HELP, Behaviours, parse_behaviours

DEFAULT_DB = "sqlite:///outreach-server.db"


def _behaviours_arg(text: str) -> Behaviours:
    """argparse type for --behave: a bad spec is a usage error naming what is wrong."""
    try:
        return parse_behaviours(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _db_arg(p: argparse.ArgumentParser, *, sub: bool = False) -> None:
    # On sub-commands the option must not have its own default, or it would silently replace a
    # --db given before the sub-command name.
    p.add_argument(
        "--db",
        default=argparse.SUPPRESS if sub else DEFAULT_DB,
        help=f"database URL: sqlite:///path/file.db (default {DEFAULT_DB}) or "
        "postgresql+psycopg://user:password@host:port/dbname; a plain path means a SQLite file",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="outreach-server",
        description="The reference FHIR R4 shared-record server for Outreach Health Checks.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _db_arg(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="port to listen on (default %(default)s)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow listening on a non-loopback address (put TLS in front of it)",
    )
    parser.add_argument("--tls-cert", help="PEM certificate chain to serve HTTPS directly")
    parser.add_argument("--tls-key", help="PEM private key for --tls-cert")
    parser.add_argument(
        "--contact",
        default=None,
        help='who a revoked device is told to contact (default: "your organisation\'s IT service desk")',
    )
    parser.add_argument(
        "--page-ttl", type=float, default=None, help="seconds a search next link stays valid (3600)"
    )
    parser.add_argument("--base-url", default=None, help="public base URL, when behind a proxy")
    parser.add_argument(
        "--behave",
        metavar="SPEC",
        type=_behaviours_arg,
        default=None,
        help="rehearse against real FHIR servers' limits (all off by default); " + SPEC_HELP,
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each request")
    parser.add_argument(
        "--server",
        choices=("gunicorn", "stdlib"),
        default=None,
        help="gunicorn (the default where installed: the 'server' extra, Linux) runs --workers processes; "
        "stdlib is the single-process standard library server, for development",
    )
    parser.add_argument(
        "--workers", type=_positive_int, default=2, help="gunicorn worker processes (default %(default)s)"
    )
    parser.add_argument(
        "--threads", type=_positive_int, default=8, help="request threads per worker (default %(default)s)"
    )
    parser.add_argument(
        "--max-entries",
        type=_positive_int,
        default=None,
        help="most entries one transaction may hold (default 500; declared in the CapabilityStatement)",
    )
    parser.add_argument(
        "--max-write-seconds",
        type=float,
        default=None,
        help="longest one write may hold the database before it is rolled back with 413 (default 10)",
    )
    sub = parser.add_subparsers(dest="command")
    add = sub.add_parser("add-device", help="enrol a device and print its bearer token once")
    add.add_argument("name")
    add.add_argument(
        "--role",
        choices=ROLES,
        default=DEFAULT_ROLE,
        help="worker (the default): sends its checks and reads only what concerns them; "
        "supervisor: reads the team's checks and writes reviews (docs/server.md)",
    )
    _db_arg(add, sub=True)
    rev = sub.add_parser("revoke-device", help="revoke a device: it is refused from its next request")
    rev.add_argument("name")
    _db_arg(rev, sub=True)
    lst = sub.add_parser("list-devices", help="list enrolled devices and whether they are revoked")
    _db_arg(lst, sub=True)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Imported here so that --help and --version stay quick.
    from sqlalchemy.exc import OperationalError

    from .store import Store

    try:
        if args.command == "add-device":
            store = Store(args.db)
            try:
                token = store.add_device(args.name, role=args.role)
            finally:
                store.close()
            print(f"Device '{args.name}' enrolled as a {args.role}. Its bearer token (shown only this once):")
            print(token)
            return 0
        if args.command == "revoke-device":
            store = Store(args.db)
            try:
                found = store.revoke_device(args.name)
            finally:
                store.close()
            if not found:
                print(f"No device called '{args.name}' is enrolled.", file=sys.stderr)
                return 1
            print(f"Device '{args.name}' is revoked: its next request will be refused.")
            return 0
        if args.command == "list-devices":
            from .clock import to_instant

            store = Store(args.db)
            try:
                for d in store.list_devices():
                    state = f"revoked {to_instant(d.revoked_at)}" if d.revoked and d.revoked_at else "active"
                    print(f"{d.name}\t{d.role}\tenrolled {to_instant(d.created)}\t{state}")
            finally:
                store.close()
            return 0
        return _serve(args)
    except ValueError as exc:
        print(f"outreach-server: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:
        reason = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        print(f"outreach-server: cannot open the database: {reason}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from .app import make_app
    from .serving import RemoteBindRefused, is_loopback, make_server

    if not args.allow_remote and not is_loopback(args.host):
        print(
            f"outreach-server: refusing to listen on {args.host!r}. That address accepts connections from "
            "other "
            "machines, and devices send health records to this server. Pass --allow-remote if that is what "
            "you "
            "want, and serve it over TLS (--tls-cert/--tls-key or a TLS-terminating proxy).",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    kwargs: dict[str, Any] = {
        "page_ttl_s": args.page_ttl,
        "base_url": args.base_url,
        "behaviours": args.behave,
        "max_write_s": args.max_write_seconds,
    }
    if args.contact:
        kwargs["contact"] = args.contact
    if args.max_entries:
        kwargs["max_entries"] = args.max_entries
    from . import production

    which = args.server or ("gunicorn" if production.available() else "stdlib")
    if which == "gunicorn":
        if not production.available():
            print(
                "outreach-server: gunicorn is not installed; install the server extra "
                "(pip install 'outreach-health-checks[server]') or use --server stdlib.",
                file=sys.stderr,
            )
            return 2
        return _serve_gunicorn(args, kwargs)
    app = make_app(args.db, **kwargs)
    try:
        server = make_server(
            app,
            args.host,
            args.port,
            allow_remote=args.allow_remote,
            tls_cert=args.tls_cert,
            tls_key=args.tls_key,
        )
    except RemoteBindRefused as exc:
        print(f"outreach-server: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(
            f"outreach-server: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    host, port = server.server_address[:2]
    assert isinstance(host, str)  # a bound internet socket's own address names its host as text
    scheme = "https" if args.tls_cert else "http"
    print(
        f"outreach-server {__version__} serving FHIR R4 at {scheme}://{host}:{port} (Ctrl+C to stop)",
        flush=True,
    )
    if args.behave is not None and args.behave.describe():
        print(
            f"outreach-server: rehearsal behaviours on: {args.behave.describe()}", file=sys.stderr, flush=True
        )

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.store.close()
    return 0


def _serve_gunicorn(args: argparse.Namespace, kwargs: dict[str, Any]) -> int:
    """Bind the socket here (so --port 0 and the loopback rule work as for the standard
    server), prepare the database once, then let gunicorn fork the workers."""
    import socket

    from . import production
    from .app import make_app
    from .store import Store

    Store(args.db).close()  # create the tables and the search index once, before the workers start
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    try:
        sock = socket.create_server((args.host, args.port), family=family, backlog=2048)
    except OSError as exc:
        print(
            f"outreach-server: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    sock.set_inheritable(True)
    host, port = sock.getsockname()[:2]
    scheme = "https" if args.tls_cert else "http"
    shown = f"[{host}]" if ":" in str(host) else host
    print(
        f"outreach-server {__version__} serving FHIR R4 at {scheme}://{shown}:{port} "
        f"(gunicorn, {args.workers} workers x {args.threads} threads; Ctrl+C to stop)",
        flush=True,
    )
    if args.behave is not None and args.behave.describe():
        print(
            f"outreach-server: rehearsal behaviours on: {args.behave.describe()}", file=sys.stderr, flush=True
        )
    production.serve(
        lambda: make_app(args.db, **kwargs),
        sock,
        workers=args.workers,
        threads=args.threads,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        quiet=args.quiet,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
