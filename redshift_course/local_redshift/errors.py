"""Errors the local Redshift raises, each with a message that says what to do."""
from __future__ import annotations

import errno
import socket


class PortInUseError(OSError):
    """A port the local stack needs is taken by another process."""

    def __init__(self, port: int, what: str, env_var: str | None = None, host: str = "127.0.0.1") -> None:
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


class LocalRedshiftError(RuntimeError):
    """The embedded PostgreSQL could not be prepared, started or stopped; the message says why."""


def ensure_port_free(host: str, port: int, what: str, env_var: str | None = None) -> None:
    """Raise PortInUseError if nothing can bind ``host:port`` right now."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUseError(port, what, env_var, host) from None
        raise
    finally:
        probe.close()
