"""The client's network address, as far as the installation's proxies can be trusted."""

import ipaddress

from django.conf import settings


def normalise_address(raw: str) -> str:
    """An IPv4 address as is; an IPv6 address as its /64 network, since one subscriber
    usually holds a whole /64 and could otherwise change address at every attempt."""
    try:
        address = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def client_address(request) -> str:
    """REMOTE_ADDR, or with `TRUSTED_PROXY_COUNT` = n proxies in front, the address the
    outermost of them saw: the n-th entry of X-Forwarded-For counted from the right. Entries
    further left are written by the client and never trusted."""
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if forwarded:
            return normalise_address(forwarded[-count] if len(forwarded) >= count else forwarded[0])
    return normalise_address(request.META.get("REMOTE_ADDR", ""))
