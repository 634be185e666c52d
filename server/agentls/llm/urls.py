"""Small URL facts the providers need: safe display, and whether a host is this machine."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit


def display_url(url: str) -> str:
    """The URL without user info, query or fragment: safe to show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def is_loopback_url(url: str) -> bool:
    """True for localhost and loopback addresses: no key needed, no proxy possible."""
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
