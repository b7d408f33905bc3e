"""Polite, guarded HTTP fetching: the only place the crawler touches the network.

Per request: http/https only; the host's addresses checked (no loopback, private,
link-local unless the source allows it); robots.txt obeyed, its Crawl-delay
included; one request at a time with a pause per host; retries with exponential
backoff on timeouts, connection errors, 429 and 5xx (Retry-After honoured);
conditional requests; redirects followed hop by hop (each hop checked again, and
every new connection's real peer address as well, against DNS rebinding);
the body read up to max_bytes and no further.
"""
from __future__ import annotations

import email.utils
import logging
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from protego import Protego

from .config import Settings
from .guard import GuardedAdapter, PrivateAddress, refused_address

log = logging.getLogger(__name__)

ROBOTS_AGENT = "presse-mining"  # the product token robots.txt rules are matched against
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL that could not be fetched; `reason` is short and fit for a summary."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}")
        self.url, self.reason = url, reason


class Refused(FetchError):
    """Not fetched on purpose (robots.txt, address, scheme, content type): a skip, not a failure."""


@dataclass
class Response:
    url: str  # after redirects
    status: int  # 200 (or another 2xx) or 304
    headers: dict = field(default_factory=dict)
    body: bytes = b""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"\'')
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class Fetcher:
    """One per crawl: remembers each host's robots.txt and when it may be asked again."""

    def __init__(self, *, sleep=time.sleep, clock=time.monotonic):
        self.session = requests.Session()
        self._guard = GuardedAdapter()
        self.session.mount("http://", self._guard)
        self.session.mount("https://", self._guard)
        self.sleep, self.clock = sleep, clock
        self._robots: dict[str, Protego | None] = {}
        self._next_allowed: dict[str, float] = {}
        self._crawl_delay: dict[str, float] = {}
        self.requests = 0

    def close(self) -> None:
        self.session.close()

    def get(
        self, url: str, settings: Settings, *, etag: str | None = None, last_modified: str | None = None,
        accept: tuple[str, ...] | None = None,
    ) -> Response:
        """GET `url` politely; a 304 comes back as status 304 with an empty body.

        Raises Refused (robots, address, content type) or FetchError (everything else).
        """
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = [url]
        current = url
        for _ in range(settings.max_redirects + 1):
            self._check_target(current, settings)
            if not self.allowed(current, settings):
                raise Refused(current, "disallowed by robots.txt")
            response = self._request(current, settings, headers)
            if response.status in (301, 302, 303, 307, 308):
                target = response.headers.get("location")
                if not target:
                    raise FetchError(current, f"HTTP {response.status} without a Location")
                current = urljoin(current, target.strip())
                if current in seen:
                    raise FetchError(url, "redirect loop")
                seen.append(current)
                continue
            if response.status == 304:
                return response
            if response.status >= 400:
                raise FetchError(current, f"HTTP {response.status}")
            if accept and not any(response.content_type.startswith(a) for a in accept):
                raise Refused(current, f"content type {response.content_type or '(none)'} is not {'/'.join(accept)}")
            return response
        raise FetchError(url, f"more than {settings.max_redirects} redirects")

    # -- robots.txt -------------------------------------------------------------
    def allowed(self, url: str, settings: Settings) -> bool:
        host = _host(url)
        if host not in self._robots:
            self._robots[host] = self._load_robots(host, settings)
        rules = self._robots[host]
        return True if rules is None else rules.can_fetch(url, ROBOTS_AGENT)

    def _load_robots(self, host: str, settings: Settings) -> Protego | None:
        url = host + "/robots.txt"
        try:
            response = self._request(url, settings, {}, max_bytes=500_000)
        except Refused:
            raise  # a forbidden address is not an unreachable robots.txt: say why
        except FetchError as error:
            # RFC 9309: an unreachable robots.txt means "assume complete disallow"
            log.warning("%s: %s; not crawling this host", url, error.reason)
            return Protego.parse("User-agent: *\nDisallow: /")
        if response.status >= 500:
            return Protego.parse("User-agent: *\nDisallow: /")
        if response.status >= 300:  # 4xx, or a redirect we do not follow for robots: no rules
            return None
        rules = Protego.parse(response.body.decode("utf-8", errors="replace"))
        delay = rules.crawl_delay(ROBOTS_AGENT)
        if delay:
            self._crawl_delay[host] = min(float(delay), settings.max_wait)
            # the pause after the robots.txt request itself was set before its Crawl-delay was known
            extra = self._delay(host, settings) - settings.delay
            self._next_allowed[host] = self._next_allowed.get(host, 0.0) + max(0.0, extra)
        return rules

    # -- one request, with pause, retries and size limit ------------------------
    def _request(self, url: str, settings: Settings, headers: dict, max_bytes: int | None = None) -> Response:
        host = _host(url)
        max_bytes = max_bytes or settings.max_bytes
        attempt = 0
        while True:
            self._wait_turn(host, settings)
            retry_after = None
            try:
                response = self._once(url, settings, headers, max_bytes)
                if response.status not in RETRY_STATUS:
                    return response
                reason = f"HTTP {response.status}"
                retry_after = _retry_after(response.headers.get("retry-after"))
            except requests.Timeout:
                reason = f"no answer within {settings.timeout:g} s"
            except requests.ConnectionError as error:
                reason = f"connection failed ({_short(error)})"
            finally:
                self._next_allowed[host] = self.clock() + self._delay(host, settings)
            if attempt >= settings.retries:
                attempts = f" after {attempt + 1} attempts" if attempt else ""
                raise FetchError(url, reason + attempts)
            wait = settings.backoff * (2 ** attempt) if retry_after is None else retry_after
            if wait > settings.max_wait:
                raise FetchError(url, f"{reason}, asked to wait {wait:g} s (more than max_wait)")
            log.info("%s: %s, retrying in %.1f s", url, reason, wait)
            self._next_allowed[host] = max(self._next_allowed[host], self.clock() + wait)
            attempt += 1

    def _once(self, url: str, settings: Settings, headers: dict, max_bytes: int) -> Response:
        self.requests += 1
        request_headers = {"User-Agent": settings.user_agent, "Accept-Language": "de,en;q=0.5", **headers}
        self._guard.allow_private = settings.allow_private
        try:
            raw = self.session.get(url, headers=request_headers, timeout=settings.timeout, stream=True,
                                   allow_redirects=False)
        except PrivateAddress as error:
            raise Refused(url, f"{error}; set allow_private = true for this source to allow it") from None
        with raw:
            head = {k.lower(): v for k, v in raw.headers.items()}
            if raw.status_code != 200 and not 200 < raw.status_code < 300:
                return Response(url=url, status=raw.status_code, headers=head)
            length = head.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(url, f"larger than max_bytes ({int(length):,} > {max_bytes:,} bytes)")
            deadline = self.clock() + max(60.0, settings.timeout * 5)  # a trickling server is a timeout too
            body = bytearray()
            for chunk in raw.iter_content(65536):  # decodes gzip transfer coding chunk by chunk
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(url, f"larger than max_bytes ({max_bytes:,} bytes)")
                if self.clock() > deadline:
                    raise requests.Timeout("body too slow")
            return Response(url=url, status=raw.status_code, headers=head, body=bytes(body))

    def _delay(self, host: str, settings: Settings) -> float:
        return max(settings.delay, self._crawl_delay.get(host, 0.0))

    def _wait_turn(self, host: str, settings: Settings) -> None:
        wait = self._next_allowed.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)

    # -- where we may go --------------------------------------------------------
    def _check_target(self, url: str, settings: Settings) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(url, f"scheme {parts.scheme or '(none)'} is not http or https")
        if not parts.hostname:
            raise Refused(url, "no host")
        if settings.allow_private:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 80, proto=socket.IPPROTO_TCP)
        except (socket.gaierror, UnicodeError) as error:
            raise FetchError(url, f"cannot resolve {parts.hostname} ({error})") from None
        # A first, cheap refusal; the connection itself is checked again (sources/guard.py).
        for info in infos:
            address = info[4][0]
            if refused_address(address):
                raise Refused(url, f"{parts.hostname} is a private/loopback/link-local address ({address.split('%')[0]});"
                                   " set allow_private = true for this source to allow it")


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(error: Exception) -> str:
    text = str(error)
    for marker in ("Connection refused", "Name or service not known", "Connection reset", "Remote end closed"):
        if marker in text:
            return marker.lower()
    return text[:120]
