"""The loopback-only network guard's test (the guard itself is the autouse ``loopback_only`` fixture in
``tests/discord_adapter/conftest.py``). See tests/README.md ("Nothing leaves the machine").
"""

from __future__ import annotations

import ipaddress
from typing import Any


def loopback_address(address: Any) -> bool:
    """True for AF_UNIX paths and loopback IPs / 'localhost' (used by the conftest's network guard)."""
    if isinstance(address, str | bytes):
        return True
    host = str(address[0]).split("%", 1)[0]
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
