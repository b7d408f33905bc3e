"""Small web sites on 127.0.0.1 for the crawler tests: real HTTP servers in threads.

Each Site serves a dict of routes (path → Page) and logs every request (path,
headers, arrival time), answering conditional requests with 304.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict = field(default_factory=dict)
    fail_first: int = 0  # answer 503 (Retry-After: 1) this many times first
    hang: float = 0.0  # sleep this long before answering (a page that never answers)
    validators: bool = True  # send ETag and Last-Modified


@dataclass
class Hit:
    path: str
    headers: dict
    at: float


class Recorded:
    """The requests a site received."""

    def __init__(self, hits: list[Hit]):
        self.hits = hits

    def gets(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]


class Site(Recorded):
    def __init__(self, routes: dict[str, Page]):
        self.routes = routes
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                with site._lock:
                    site.hits.append(Hit(self.path, dict(self.headers), time.monotonic()))
                page = site.routes.get(self.path)
                if page is None:
                    return self._send(404, b"<html><body>Nicht gefunden</body></html>", "text/html")
                if page.hang:
                    time.sleep(page.hang)
                    return self._send(200, b"zu spaet", "text/plain")
                if page.fail_first:
                    page.fail_first -= 1
                    return self._send(503, b"busy", "text/plain", {"Retry-After": "1"})
                headers = dict(page.headers)
                etag = '"' + hashlib.sha1(page.body).hexdigest()[:16] + '"'
                if page.validators and page.status == 200:
                    headers.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
                    if self.headers.get("If-None-Match") == etag:
                        return self._send(304, b"", None, headers)
                self._send(page.status, page.body, page.content_type, headers)

            def _send(self, status, body, content_type, headers=None):
                try:
                    self.send_response(status)
                    if content_type:
                        self.send_header("Content-Type", content_type)
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)) if status != 304 else "0")
                    self.end_headers()
                    if status != 304:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler gave up waiting

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "Site":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def html_page(title: str, paragraphs: list[str], *, date: str | None = None, head: str = "",
              charset: str = "utf-8", encoding: str | None = None) -> bytes:
    dateline = f'<p class="date">{date}</p>' if date else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="{charset}"><title>{title} | Kreis</title>{head}</head>'
        f'<body><nav><a href="/">Start</a> <a href="/presse">Presse</a></nav>'
        f"<main><article><h1>{title}</h1>{dateline}{body}</article></main>"
        f"<footer>Impressum · Datenschutz</footer></body></html>"
    )
    return page.encode(encoding or charset)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def make_pdf(lines: list[str]) -> bytes:
    """A one-page PDF with these lines of text (Helvetica, WinAnsi: umlauts work)."""
    def escape(text: str) -> bytes:
        return text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    stream = b"BT /F1 11 Tf 50 780 Td 14 TL " + b" ".join(b"(" + escape(l) + b") Tj T*" for l in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
