"""The address check on the connection itself, so DNS rebinding cannot get round it.

Checking a host's addresses before a request is not enough: the name is resolved again
when the connection is made, and a hostile DNS server can answer with a public address
the first time and 127.0.0.1 the second. So every new connection looks at the address it
is really connected to (the socket's peer) and is closed before a byte is sent when that
address is loopback, private, link-local or multicast.
"""
from __future__ import annotations

import ipaddress

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool


class PrivateAddress(Exception):
    """Raised (not an OSError, so neither urllib3 nor requests retries it) for a refused peer."""

    def __init__(self, host: str, address: str):
        super().__init__(f"{host} connected to a private/loopback/link-local address ({address})")
        self.host, self.address = host, address


def refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if getattr(ip, "ipv4_mapped", None):
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class _PeerCheck:
    guard: "GuardedAdapter | None" = None

    def _new_conn(self):
        sock = super()._new_conn()
        # Through a proxy the peer is the proxy, which the user chose: nothing to check there.
        if self.guard is not None and not self.guard.allow_private and not self.proxy:
            address = sock.getpeername()[0]
            if refused_address(address):
                sock.close()
                raise PrivateAddress(self.host, address)
        return sock


class _GuardedHTTPConnection(_PeerCheck, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_PeerCheck, HTTPSConnection):
    pass


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections refuse private peers unless `allow_private` is set."""

    def __init__(self, *args, **kwargs):
        self.allow_private = False
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        guard = self
        http = type("GuardedHTTPPool", (HTTPConnectionPool,),
                    {"ConnectionCls": type("Conn", (_GuardedHTTPConnection,), {"guard": guard})})
        https = type("GuardedHTTPSPool", (HTTPSConnectionPool,),
                     {"ConnectionCls": type("Conn", (_GuardedHTTPSConnection,), {"guard": guard})})
        self.poolmanager.pool_classes_by_scheme = {"http": http, "https": https}
