"""A real news site on 127.0.0.1 for the fetching tests: pages, feeds, sitemaps and misbehaviour.

    with LoopbackSite() as site:
        site.url("/news/harbour-strike-ends")      # http://127.0.0.1:<port>/news/...
        site.set_page("/news/harbour-strike-ends", "<html>...</html>")   # new text from now on
        site.requests_to("/news/harbour-strike-ends")  # what the server saw, in order

Paths served (fixture files in tests/fixtures/web/, "{{base}}" replaced by the site's base URL):
    /robots.txt                       disallows /private/
    /feeds/rss.xml, /feeds/atom.xml   RSS 2.0 and Atom feeds listing the news pages below
    /sitemap-index.xml                index of /sitemaps/news.xml (Google News) and /sitemaps/pages.xml
    /news/harbour-strike-ends, /news/council-budget, /news/bridge-closure, /news/flood-defences
    /news/waiting-list                version 1, then version 2 (a figure changed, no correction note)
    /news/cached                      ETag and Last-Modified; 304 when a conditional request matches
    /private/memo                     an article robots.txt disallows
    /flaky                            500, then 200
    /slow                             answers after `slow_seconds` (default 2 s)
    /loop/a, /loop/b                  redirect to each other
    /redirect                         301 to /news/harbour-strike-ends
    /big, /big-unsized                1 MB page, with and without Content-Length
    /report.pdf                       application/pdf
Every 200 answer carries an ETag derived from its body and honours If-None-Match; query strings
(utm_...) are ignored for routing but kept in the request log.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "web"
HTML = "text/html; charset=utf-8"
BASE_TOKEN = b"{{base}}"
CACHED_LAST_MODIFIED = "Sun, 22 Nov 2026 18:05:00 GMT"
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)


@dataclass(frozen=True)
class Reply:
    """One answer the site gives for a path."""

    body: bytes = b""
    status: int = 200
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)
    last_modified: str | None = None
    wait: float = 0.0  # seconds before answering
    send_length: bool = True


@dataclass
class LoggedRequest:
    """A request as the server saw it; `started`/`finished` are time.monotonic() values."""

    path: str  # with its query string
    headers: dict[str, str]  # lower-cased names
    started: float
    status: int | None = None  # set as the answer starts
    finished: float | None = None  # set as the body is sent

    @property
    def route(self) -> str:
        return urlsplit(self.path).path

    @property
    def user_agent(self) -> str | None:
        return self.headers.get("user-agent")


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _redirect(to: str, status: int = 302) -> Reply:
    return Reply(status=status, headers={"Location": to})


def _default_routes(slow_seconds: float) -> dict[str, list[Reply]]:
    big = _fixture("council-budget.html").replace(b"</article>", b"<p>" + b"filler " * 150_000)
    return {
        "/robots.txt": [Reply(_fixture("robots.txt"), content_type="text/plain")],
        "/feeds/rss.xml": [Reply(_fixture("rss.xml"), content_type="application/rss+xml")],
        "/feeds/atom.xml": [Reply(_fixture("atom.xml"), content_type="application/atom+xml")],
        "/sitemap-index.xml": [
            Reply(_fixture("sitemap-index.xml"), content_type="application/xml")
        ],
        "/sitemaps/news.xml": [Reply(_fixture("sitemap-news.xml"), content_type="application/xml")],
        "/sitemaps/pages.xml": [Reply(_fixture("sitemap-pages.xml"), content_type="text/xml")],
        "/news/harbour-strike-ends": [Reply(_fixture("harbour-strike-ends.html"))],
        "/news/council-budget": [Reply(_fixture("council-budget.html"))],
        "/news/bridge-closure": [Reply(_fixture("bridge-closure.html"))],
        "/news/flood-defences": [Reply(_fixture("flood-defences.html"))],
        "/news/waiting-list": [
            Reply(_fixture("waiting-list-v1.html")),
            Reply(_fixture("waiting-list-v2.html")),
        ],
        "/news/cached": [
            Reply(_fixture("council-budget.html"), last_modified=CACHED_LAST_MODIFIED)
        ],
        "/private/memo": [Reply(_fixture("flood-defences.html"))],
        "/flaky": [
            Reply(b"<h1>Service unavailable</h1>", status=500),
            Reply(_fixture("bridge-closure.html")),
        ],
        "/slow": [Reply(_fixture("flood-defences.html"), wait=slow_seconds)],
        "/loop/a": [_redirect("/loop/b")],
        "/loop/b": [_redirect("/loop/a")],
        "/redirect": [_redirect("/news/harbour-strike-ends", 301)],
        "/big": [Reply(big)],
        "/big-unsized": [Reply(big, send_length=False)],
        "/report.pdf": [Reply(MINIMAL_PDF, content_type="application/pdf")],
    }


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-answer (timeouts, refused bodies) are what the tests provoke.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackSite:
    """A threaded HTTP server on 127.0.0.1 (port chosen by the OS), started and stopped by tests."""

    def __init__(self, slow_seconds: float = 2.0) -> None:
        self._routes = _default_routes(slow_seconds)
        self._log: list[LoggedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _QuietServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def start(self) -> LoopbackSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes the slow answers up
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LoopbackSite:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def set_page(
        self,
        path: str,
        body: str | bytes,
        content_type: str = HTML,
        last_modified: str | None = None,
    ) -> None:
        """Serve this body at the path from now on (the ETag follows the body)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.set_replies(
            path, [Reply(data, content_type=content_type, last_modified=last_modified)]
        )

    def set_replies(self, path: str, replies: list[Reply]) -> None:
        """Serve these replies at the path, one per request; the last one repeats."""
        with self._lock:
            self._routes[path] = list(replies)

    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests_to(self, route: str) -> list[LoggedRequest]:
        """Requests to the path, whatever their query string, in arrival order."""
        return [request for request in self.requests if request.route == route]

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    def _next_reply(self, route: str) -> Reply:
        with self._lock:
            replies = self._routes.get(route)
            if not replies:
                return Reply(b"<h1>Not found</h1>", status=404)
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _record(self, path: str, headers: dict[str, str]) -> LoggedRequest:
        logged = LoggedRequest(path, headers, time.monotonic())
        with self._lock:
            self._log.append(logged)
        return logged

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                logged = site._record(self.path, headers)
                reply = site._next_reply(urlsplit(self.path).path)
                if reply.wait and site._stopping.wait(reply.wait):
                    return
                with contextlib.suppress(ConnectionError):  # the client gave up waiting
                    self._answer(reply, headers, logged)

            def _answer(
                self, reply: Reply, request_headers: dict[str, str], logged: LoggedRequest
            ) -> None:
                body = reply.body.replace(BASE_TOKEN, site.base_url.encode())
                headers = dict(reply.headers)
                if reply.status == 200:
                    headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                    if reply.last_modified:
                        headers["Last-Modified"] = reply.last_modified
                status = reply.status
                if status == 200 and _not_modified(request_headers, headers):
                    status, body = 304, b""
                logged.status = status
                self.send_response(status)
                if status != 304:
                    headers["Content-Type"] = reply.content_type
                if reply.send_length:
                    headers["Content-Length"] = str(len(body))
                else:
                    headers["Connection"] = "close"
                    self.close_connection = True
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                # Stamped before the last bytes leave, so no next request can start before it.
                logged.finished = time.monotonic()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the request log is kept in LoggedRequest, not on stderr

        return Handler


def _not_modified(request: dict[str, str], answer: dict[str, str]) -> bool:
    # RFC 9110: If-None-Match wins; If-Modified-Since counts only without it.
    if "if-none-match" in request:
        return answer.get("ETag") in (tag.strip() for tag in request["if-none-match"].split(","))
    return "if-modified-since" in request and request["if-modified-since"] == answer.get(
        "Last-Modified"
    )


def closed_port_url(path: str = "/") -> str:
    """A URL on 127.0.0.1 where nothing listens: a dead host, without leaving loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
