"""Once only: URL normalisation and near-duplicate texts (MinHash LSH).

Exact duplicates are caught by the store's content hash; near-duplicates (the
same ministry release printed by three Kreise, a newspaper reprinting a press
release with its own intro line) by MinHash over word 5-grams.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5
SCHEME = "affine32"  # stored signatures are only comparable under the same hashing scheme
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_hsenc|_hsmi|wt_mc|wt\.mc_id|pk_campaign|pk_kwd|ref_src)$",
    re.IGNORECASE,
)
_SESSION = re.compile(r"^(phpsessid|jsessionid|sid|sessionid|session_id|cfid|cftoken|aspsessionid\w*)$", re.IGNORECASE)
_PATH_SESSION = re.compile(r";(jsessionid|phpsessid|sid)=[^/?#]*", re.IGNORECASE)


def normalize_url(url: str) -> str:
    """The one spelling of a URL: no fragment, tracking or session parameters, lower-case host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port and not (scheme == "http" and parts.port == 80 or scheme == "https" and parts.port == 443):
        host += f":{parts.port}"
    if parts.username:
        host = parts.username + (f":{parts.password}" if parts.password else "") + "@" + host
    path = _PATH_SESSION.sub("", parts.path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not _TRACKING.match(k) and not _SESSION.match(k)]
    return urlunsplit((scheme, host, path, urlencode(query, doseq=True), ""))


def shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i:i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


def signature(text: str) -> MinHash:
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME)
    minhash.update_batch(list(shingles(text)))
    return minhash


def to_bytes(minhash: MinHash) -> bytes:
    return minhash.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashvalues=np.frombuffer(data, dtype=np.uint64))


class NearDuplicates:
    """An in-memory LSH index of stored texts; `first_copy` finds an earlier near-identical one."""

    def __init__(self, threshold: float = 0.8):
        self.threshold = threshold
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.signatures: dict[int, MinHash] = {}

    def add(self, article_id: int, minhash: MinHash) -> None:
        if article_id in self.signatures:
            return
        self.signatures[article_id] = minhash
        self.lsh.insert(article_id, minhash)

    def first_copy(self, minhash: MinHash, exclude: int | None = None) -> int | None:
        """The lowest article id whose estimated Jaccard similarity reaches the threshold."""
        candidates = [
            key for key in self.lsh.query(minhash)
            if key != exclude and self.signatures[key].jaccard(minhash) >= self.threshold
        ]
        return min(candidates) if candidates else None
