"""Run the review app on a local port: a threaded WSGI server bound to 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from toolkit.review.app import create_app
from toolkit.review.store import ReviewStore

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
ANY = frozenset({"0.0.0.0", "::", ""})


class QuietHandler(WSGIRequestHandler):
    """A request handler that does not log every request to stderr."""

    def log_request(self, code="-", size="-") -> None:
        """Requests are not logged; errors still are."""


@dataclass
class ReviewServer:
    """A bound server for one review file, its address, and its session token."""

    server: BaseWSGIServer
    url: str
    token: str

    def serve_forever(self) -> None:
        """Answer requests until interrupted (Ctrl+C) or shut down from another thread."""
        try:
            self.server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self.server.server_close()

    def start_thread(self) -> threading.Thread:
        """Serve from a daemon thread (for tests and embedding); stop with `shutdown`."""
        thread = threading.Thread(
            target=self.server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bitext-review",
            daemon=True,
        )
        thread.start()
        return thread

    def shutdown(self) -> None:
        """Stop a server started with `start_thread` and free its port."""
        self.server.shutdown()
        self.server.server_close()


def allowed_hosts(host: str, port: int) -> set[str] | None:
    """The Host headers the server accepts (None: any, when bound to every interface)."""
    if host in ANY:
        return None
    if host in LOOPBACK:
        return {f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"}
    return {f"{_url_host(host)}:{port}"}


def _url_host(host: str) -> str:
    """A host as written in a URL (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


def make_review_server(store: ReviewStore, host: str = "127.0.0.1", port: int = 0) -> ReviewServer:
    """Bind a server for `store` (port 0: a free one) with a fresh per-session token."""
    token = secrets.token_urlsafe(32)
    app = create_app(store, token)
    server = make_server(host, port, app, threaded=True, request_handler=QuietHandler)
    real_port = server.server_port
    app.config["ALLOWED_HOSTS"] = allowed_hosts(host, real_port) or set()
    shown = "127.0.0.1" if host in ANY else host
    return ReviewServer(server=server, url=f"http://{_url_host(shown)}:{real_port}/", token=token)
