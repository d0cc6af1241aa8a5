"""Fetching pages and listings over HTTP, politely: robots.txt, per-host limits, retries."""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType
from urllib.parse import urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

import courlan
import httpx

from retold.errors import InputError


def _version() -> str:
    try:
        return version("retold")
    except PackageNotFoundError:
        return "0"


DEFAULT_USER_AGENT = f"retold/{_version()} (+https://github.com/retold-news/retold)"

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
LISTING_TYPES = PAGE_TYPES | {
    "application/xml",
    "text/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/gzip",
    "application/x-gzip",
}
ACCEPTED_TYPES = {"page": PAGE_TYPES, "listing": LISTING_TYPES}
ACCEPT_HEADERS = {
    "page": "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8",
    "listing": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,"
    "text/html;q=0.5,*/*;q=0.1",
}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# robots.txt is small by nature; Google reads only its first 500 KiB.
ROBOTS_MAX_BYTES = 500_000
FETCH_WORKERS = 8


@dataclass(frozen=True)
class FetchPolicy:
    """How politely and how patiently to fetch; the defaults are the documented ones."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 15.0
    retries: int = 2
    backoff: float = 1.0
    max_redirects: int = 5
    max_bytes: int = 20_000_000
    per_host: int = 2
    delay: float = 1.0
    obey_robots: bool = True

    def __post_init__(self) -> None:
        if self.per_host < 1:
            raise ValueError("per_host must be at least 1")
        if min(self.timeout, self.retries, self.backoff, self.max_redirects, self.delay) < 0:
            raise ValueError("timeouts, counts and delays cannot be negative")


@dataclass(frozen=True)
class Fetched:
    """One answer: the page's bytes, or an empty body when the validators matched (304)."""

    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    etag: str | None
    last_modified: str | None
    fetched_at: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchError(InputError):
    """A URL could not be fetched; `source` is the normalised URL, `reason` one line."""


def is_url(text: str) -> bool:
    """Whether the text is an http:// or https:// URL with a host."""
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def normalise_url(url: str) -> str:
    """The URL without tracking parameters or fragment, so one page is one article.

    courlan's strict mode is not used: it keeps only a short whitelist of query parameters and
    would make `news.php?story=1` and `news.php?story=2` the same page.
    """
    try:
        cleaned = courlan.normalize_url(url)
    except ValueError:
        return url
    return urlunsplit(urlsplit(cleaned)._replace(fragment=""))


@dataclass(frozen=True)
class _Answer:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


class _Refused(Exception):
    """An answer not worth retrying, with the one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _HostGate:
    """Politeness towards one host: few requests in flight, their starts `delay` apart."""

    def __init__(self, per_host: int, delay: float) -> None:
        self._in_flight = threading.BoundedSemaphore(per_host)
        self._delay = delay
        self._schedule = threading.Lock()
        self._next_start = 0.0
        self.robots: dict[str, RobotFileParser] = {}  # by origin: robots.txt is per scheme and port
        self.robots_lock = threading.Lock()

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self._in_flight:
            # Book a start time under the lock and sleep outside it, so waiters queue up in order.
            with self._schedule:
                now = time.monotonic()
                start = max(now, self._next_start)
                self._next_start = start + self._delay
            if start > now:
                time.sleep(start - now)
            yield


def _host_key(url: str) -> str:
    # Politeness is owed to the machine, whatever the scheme or port.
    return (urlsplit(url).hostname or "").lower()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^\[Errno -?\d+\]\s*", "", text)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Fetcher:
    """Fetches named URLs politely; thread-safe, and a context manager that closes its client."""

    def __init__(self, policy: FetchPolicy = FetchPolicy()) -> None:
        self.policy = policy
        self._client = httpx.Client(
            timeout=policy.timeout,
            follow_redirects=False,
            headers={"User-Agent": policy.user_agent},
        )
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = "page",
    ) -> Fetched:
        """Fetch one URL, or raise FetchError saying in one line why not."""
        if accept not in ACCEPTED_TYPES:
            raise ValueError(f"accept must be one of {sorted(ACCEPTED_TYPES)}, not {accept!r}")
        if not is_url(url):
            raise FetchError(url, "not an http:// or https:// URL")
        asked = normalise_url(url)
        headers = {"Accept": ACCEPT_HEADERS[accept]}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = asked
        for _hop in range(self.policy.max_redirects + 1):
            if not self._robots_allow(current):
                where = "" if current == asked else f" (redirected to {current})"
                raise FetchError(asked, f"robots.txt disallows it{where}")
            answer = self._get(asked, current, headers, ACCEPTED_TYPES[accept])
            if answer.status not in REDIRECT_STATUSES:
                return self._fetched(asked, answer, etag, last_modified)
            location = answer.headers.get("location")
            if not location:
                raise FetchError(asked, f"HTTP {answer.status} redirect without a Location")
            current = urljoin(current, location)
            if not is_url(current):
                raise FetchError(asked, f"redirected to a non-web URL ({current})")
        raise FetchError(asked, f"too many redirects (over {self.policy.max_redirects})")

    def fetch_many(
        self,
        requests: Iterable[tuple[str, str | None, str | None]],
        accept: str = "page",
    ) -> Iterator[Fetched | FetchError]:
        """Fetch (url, etag, last_modified) requests concurrently across hosts, as they finish.

        Each host gets at most `per_host` pool workers, so a long queue for one host never
        starves the others of workers while it waits out its delay.
        """
        queues: dict[str, deque[tuple[str, str | None, str | None]]] = defaultdict(deque)
        for request in requests:
            queues[_host_key(request[0])].append(request)
        with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
            running: dict[Future[Fetched | FetchError], str] = {}

            def start_next(host: str) -> None:
                if queues[host]:
                    url, etag, last_modified = queues[host].popleft()
                    future = pool.submit(self._fetch_or_error, url, etag, last_modified, accept)
                    running[future] = host

            for host in list(queues):
                for _ in range(self.policy.per_host):
                    start_next(host)
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    host = running.pop(future)
                    start_next(host)
                    yield future.result()

    def _fetch_or_error(
        self, url: str, etag: str | None, last_modified: str | None, accept: str
    ) -> Fetched | FetchError:
        try:
            return self.fetch(url, etag, last_modified, accept)
        except FetchError as error:
            return error

    def _fetched(
        self, asked: str, answer: _Answer, etag: str | None, last_modified: str | None
    ) -> Fetched:
        if answer.status == 304:
            # A 304 may omit the validators; the ones sent are still the page's current ones.
            etag = answer.headers.get("etag", etag)
            last_modified = answer.headers.get("last-modified", last_modified)
        elif 200 <= answer.status < 300:
            etag = answer.headers.get("etag")
            last_modified = answer.headers.get("last-modified")
        else:
            raise FetchError(asked, f"HTTP {answer.status}")
        return Fetched(
            url=asked,
            final_url=answer.url,
            status=answer.status,
            content_type=answer.content_type,
            body=answer.body,
            etag=etag,
            last_modified=last_modified,
            fetched_at=_now(),
        )

    def _gate(self, url: str) -> _HostGate:
        key = _host_key(url)
        with self._gates_lock:
            if key not in self._gates:
                self._gates[key] = _HostGate(self.policy.per_host, self.policy.delay)
            return self._gates[key]

    def _get(
        self, asked: str, url: str, headers: dict[str, str], accepted: frozenset[str]
    ) -> _Answer:
        """One GET, retried with backoff on timeouts, connection errors and 5xx."""
        attempts = 1 + self.policy.retries
        failure = ""
        for attempt in range(attempts):
            if attempt:
                time.sleep(self.policy.backoff * 2 ** (attempt - 1))
            try:
                answer = self._exchange(url, headers, accepted, self.policy.max_bytes)
            except _Refused as refusal:
                raise FetchError(asked, refusal.reason) from None
            except httpx.TimeoutException:
                failure = f"timed out after {self.policy.timeout:g} s"
            except httpx.ConnectError as exc:
                failure = f"could not connect ({_one_line(exc)})"
            except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
                raise FetchError(asked, f"not a valid URL ({_one_line(exc)})") from None
            except httpx.TransportError as exc:
                failure = f"connection failed ({_one_line(exc)})"
            except httpx.RequestError as exc:
                raise FetchError(asked, f"unreadable answer ({_one_line(exc)})") from None
            else:
                if answer.status < 500:
                    return answer
                failure = f"HTTP {answer.status}"
        plural = "attempt" if attempts == 1 else "attempts"
        raise FetchError(asked, f"{failure} ({attempts} {plural})")

    def _exchange(
        self, url: str, headers: dict[str, str], accepted: frozenset[str] | None, max_bytes: int
    ) -> _Answer:
        """One request in the host's turn; the body is read only for a 2xx of an accepted type."""
        with self._gate(url).turn(), self._client.stream("GET", url, headers=headers) as response:
            answer = _Answer(str(response.url), response.status_code, response.headers, b"")
            if not 200 <= response.status_code < 300:
                return answer
            # A missing content type is let through: the readers judge the bytes themselves.
            if accepted is not None and answer.content_type and answer.content_type not in accepted:
                what = "a web page" if accepted == PAGE_TYPES else "a web page or feed"
                raise _Refused(f"not {what} ({answer.content_type})")
            too_large = _Refused(f"page is over the {max_bytes / 1_000_000:g} MB limit")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise too_large
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise too_large
                chunks.append(chunk)
            return _Answer(answer.url, answer.status, answer.headers, b"".join(chunks))

    def _robots_allow(self, url: str) -> bool:
        if not self.policy.obey_robots:
            return True
        gate, origin = self._gate(url), _origin(url)
        with gate.robots_lock:
            robots = gate.robots.get(origin) or self._read_robots(origin + "/robots.txt")
            if robots is not None:
                gate.robots[origin] = robots
        return robots is None or robots.can_fetch(self.policy.user_agent, url)

    def _read_robots(self, robots_url: str) -> RobotFileParser | None:
        """The host's robots.txt, or None when it could not be read (asked again next time)."""
        robots = RobotFileParser(robots_url)
        current = robots_url
        try:
            for _hop in range(self.policy.max_redirects + 1):
                answer = self._exchange(current, {}, None, ROBOTS_MAX_BYTES)
                if answer.status not in REDIRECT_STATUSES or "location" not in answer.headers:
                    break
                current = urljoin(current, answer.headers["location"])
        except (httpx.HTTPError, _Refused):
            # An unreachable, failing or oversized robots.txt allows the fetch. RFC 9309 would
            # refuse everything instead, but the user named this URL, we fetch only what they
            # name at the polite rate, and the page request reports a dead host by itself.
            return None
        if answer.status >= 500:
            return None  # as above: a failing server is not a refusal
        # RFC 9309: a missing (4xx) robots.txt allows everything, as an empty one does.
        found = 200 <= answer.status < 300
        robots.parse(answer.body.decode("utf-8", errors="replace").splitlines() if found else [])
        return robots
