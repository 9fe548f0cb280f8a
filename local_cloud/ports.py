"""The local stack's ports: bind them with an error that names a taken one, and find free ones.

Every piece of the stack (the local AWS, the Redshift gateway, PostgreSQL, `course up`'s
pre-flight check) reports a taken port the same way: which port, what needed it, and the variable
that moves it.
"""

from __future__ import annotations

import errno
import socket

from .config import HOST

_ADDRESS_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}


class PortInUseError(OSError):
    """A port the local stack needs is taken by another process."""

    def __init__(self, port: int, what: str, env_var: str | None = None, host: str = HOST) -> None:
        hint = f", or choose another port with {env_var}" if env_var else ""
        super().__init__(
            errno.EADDRINUSE,
            f"Port {port} on {host} ({what}) is already in use: stop whatever listens there "
            f"(`course down` if it is an old local stack; `lsof -i :{port}` shows the process){hint}.",
        )
        self.port = port
        self.what = what

    def __str__(self) -> str:  # OSError's default adds "[Errno 98]", which only distracts
        return str(self.strerror)


def _bound(host: str, port: int, what: str, env_var: str | None) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno in _ADDRESS_IN_USE:
            raise PortInUseError(port, what, env_var, host) from None
        raise
    return sock


def listen(host: str, port: int, what: str, env_var: str | None = None, backlog: int = 128) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free one), or PortInUseError naming it."""
    sock = _bound(host, port, what, env_var)
    sock.listen(backlog)
    return sock


def ensure_port_free(host: str, port: int, what: str, env_var: str | None = None) -> None:
    """Raise PortInUseError if nothing can bind ``host:port`` right now."""
    _bound(host, port, what, env_var).close()


def port_in_use(host: str, port: int) -> bool:
    """Whether something accepts connections on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def free_port(host: str = HOST) -> int:
    """A port that is free now (for tests and benchmarks that run a stack of their own)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]
