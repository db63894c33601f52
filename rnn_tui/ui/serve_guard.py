"""Who may use `rnn-tui serve`: its secret token, the Host and Origin it answers, the
addresses it prints. Plain functions (no aiohttp), so they are tested on their own.

The app served runs as the user who started `serve`: whoever drives it can list folders
and write where the app writes. So every request must carry the token printed at start
(in the page URL, then in an HttpOnly SameSite=Strict cookie and in the websocket URL),
its Host must name an address this server answers on (no DNS rebinding), and a browser's
Origin, when sent, must be this server (no other web page may open the websocket)."""

from __future__ import annotations

import hmac
import ipaddress
import re
import secrets
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..i18n import _
from ..text import visible

TOKEN_BYTES = 24
"""Random bytes in the token (32 URL-safe characters)."""

MAX_SESSIONS = 32
"""Browser sessions (app processes) at once, unless --max-sessions says otherwise."""

WILDCARDS = {"", "0.0.0.0", "::", "[::]"}
"""--host values that mean every address of the machine."""

HOSTNAME = re.compile(r"[a-z0-9_]([a-z0-9_.-]{0,252}[a-z0-9_.])?")
"""What may be a host name (lowercase); anything else is not looked up."""

SIOCGIFADDR = 0x8915  # Linux ioctl: an interface's IPv4 address


def new_token() -> str:
    """A fresh secret for one run of `serve`."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_matches(given: str | None, token: str) -> bool:
    """`given` is the token, compared in constant time (any text may be given)."""
    if given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), token.encode("utf-8"))


def _literal(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def is_loopback(host: str) -> bool:
    """`host` (as given to --host) only reaches this machine."""
    name = host.strip().lower()
    if name in WILDCARDS:
        return False
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = _literal(name)
    if address is not None:
        return address.is_loopback
    if not HOSTNAME.fullmatch(name):  # not a host name: nothing to resolve
        return False
    try:  # a name: loopback only if everything it resolves to is
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError, ValueError):
        return False
    found = {_literal(str(info[4][0]).split("%")[0]) for info in infos}
    return bool(found) and all(a is not None and a.is_loopback for a in found)


def exposure_warning(host: str) -> str | None:
    """What to say on stderr when --host is reachable from other machines, else None."""
    if is_loopback(host):
        return None
    return _(
        "warning: --host {host} is not a loopback address: anyone who can reach this "
        "machine and has a URL with its token can use the app, and the app runs as you "
        "(it can list your folders and write files). Share the URL only with your class, "
        "on a network you trust; stop serve (Ctrl+C) when the class is over."
    ).format(host=visible(host))


def ipv4_addresses() -> list[str]:
    """The IPv4 address of each network interface of this machine, loopback included.

    Asked of the kernel (Linux: SIOCGIFADDR for each name of if_nameindex); no packet is
    sent. Elsewhere, or when that finds nothing, the addresses of the machine's name."""
    found: list[str] = []
    if sys.platform.startswith("linux"):
        import fcntl
        import struct

        try:
            names = [name for _index, name in socket.if_nameindex()]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
                for name in names:
                    request = struct.pack("256s", name.encode("utf-8")[:15])
                    try:
                        answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
                    except OSError:  # no IPv4 address on this interface
                        continue
                    address = socket.inet_ntoa(answer[20:24])
                    if address not in found:
                        found.append(address)
        except OSError:
            found = []
    if not any(not ipaddress.ip_address(a).is_loopback for a in found):
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except (OSError, UnicodeError, ValueError):
            infos = []
        for info in infos:
            address = str(info[4][0])
            if address not in found:
                found.append(address)
    if "127.0.0.1" not in found:
        found.append("127.0.0.1")
    return found


def ipv6_addresses() -> list[str]:
    """This machine's IPv6 addresses usable in a URL (no link-local, which needs a zone);
    read from /proc/net/if_inet6 on Linux, else none. ::1 included."""
    found = ["::1"]
    try:
        lines = Path("/proc/net/if_inet6").read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeError, ValueError):
        return found
    for line in lines:
        fields = line.split()
        if not fields or len(fields[0]) != 32:
            continue
        try:
            address = ipaddress.IPv6Address(int(fields[0], 16))
        except ValueError:
            continue
        if not address.is_link_local and str(address) not in found:
            found.append(str(address))
    return found


def _url_host(address: str) -> str:
    """An address as it appears in a URL or a Host header (IPv6 in brackets)."""
    literal = _literal(address)
    if isinstance(literal, ipaddress.IPv6Address):
        return f"[{literal.compressed}]"
    return str(literal) if literal is not None else address.lower()


@dataclass(frozen=True)
class Served:
    """Where a `serve` answers: the Host names it accepts and the base URLs it prints."""

    port: int
    names: frozenset[str]
    """Host header values without the port: lowercase, IPv6 in brackets."""
    urls: tuple[str, ...]
    """One base URL per usable address, the most useful first (other machines, then this one)."""

    def with_token(self, token: str) -> list[str]:
        return [f"{url}/?token={token}" for url in self.urls]


def served(host: str, port: int) -> Served:
    """The names accepted in Host and the URLs to print, for --host `host` and `port`."""
    name = host.strip().lower()
    literal = _literal(name)
    if name in WILDCARDS:
        addresses = ipv4_addresses()
        if name in ("::", "[::]"):
            addresses += ipv6_addresses()
        hostname = socket.gethostname().lower()
        names = {_url_host(a) for a in addresses} | {"localhost", "127.0.0.1", "[::1]"}
        names |= {hostname, f"{hostname}.local"} if hostname else set()
        outside = [a for a in addresses if not ipaddress.ip_address(a).is_loopback]
        shown = outside + ["127.0.0.1"]
    elif literal is not None:
        names = {_url_host(name)}
        if literal.is_loopback:
            names |= {"localhost"}
        shown = [name]
    else:  # a name: it and what it resolves to
        names = {name}
        if name == "localhost":
            names |= {"127.0.0.1", "[::1]"}
        elif HOSTNAME.fullmatch(name):
            try:
                infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
            except (OSError, UnicodeError, ValueError):
                infos = []
            names |= {_url_host(str(info[4][0]).split("%")[0]) for info in infos}
        shown = [name]
    suffix = "" if port == 80 else f":{port}"
    urls = tuple(dict.fromkeys(f"http://{_url_host(a)}{suffix}" for a in shown))
    return Served(port=port, names=frozenset(names), urls=urls)


def split_host(value: str) -> tuple[str, int] | None:
    """A Host header's (name, port) (lowercase; port 80 when left out), or None if malformed."""
    value = value.strip().lower()
    if not value:
        return None
    if value.startswith("["):
        end = value.find("]")
        if end < 0:
            return None
        name, rest = value[: end + 1], value[end + 1 :]
    else:
        name, sep, rest = value.partition(":")
        rest = sep + rest
    if not rest:
        return name, 80
    if not rest.startswith(":") or not rest[1:].isascii() or not rest[1:].isdigit():
        return None
    port = int(rest[1:]) if len(rest) <= 6 else -1
    return (name, port) if 0 < port < 65536 else None


def host_allowed(value: str | None, where: Served) -> bool:
    """The Host header names this server: one of its addresses (or names) and its port."""
    parsed = split_host(value) if value else None
    return parsed is not None and parsed[0] in where.names and parsed[1] == where.port


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """A browser's Origin, when there is one, is this very server (http://HOST)."""
    if origin is None:
        return True  # not from a web page's script (a browser always sends it on a websocket)
    if not host:
        return False
    try:
        parts = urlsplit(origin.strip())
        origin_port = parts.port
    except ValueError:
        return False
    if parts.scheme != "http" or not parts.hostname or parts.path or parts.query:
        return False
    hostname = _url_host(parts.hostname) if ":" in parts.hostname else parts.hostname.lower()
    return split_host(host) == (hostname, origin_port or 80)
