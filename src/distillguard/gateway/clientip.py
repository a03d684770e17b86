"""The client IP the gateway records (it feeds campaign linking, so a client must not choose it).

`X-Forwarded-For` is believed only when the TCP peer is a configured trusted proxy. Each proxy
appends the address it saw, so entries to the left are whatever the client wrote: the client
IP is the right-most entry that is not itself a trusted proxy. A malformed entry where the
client address should be falls back to the peer (the request is then attributed to the
balancer, never to an address the client picked). uvicorn's own proxy-header handling must be
off (`proxy_headers=False`), or it rewrites the peer from the header before we see it.
"""

from __future__ import annotations

import ipaddress
from typing import Any


def _trusted(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(peer: str | None, forwarded_for: str | None, networks: tuple[Any, ...]) -> str | None:
    if not peer or not forwarded_for or not networks or not _trusted(peer, networks):
        return peer
    hops = [hop.strip() for hop in forwarded_for.split(",")]
    for hop in reversed(hops):
        if not hop:
            continue
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not _trusted(hop, networks):
            return hop
    return peer  # every hop is one of our proxies: the nearest one is what we know
