"""The local AWS: moto in server mode plus our small adapter for the gaps that matter to the course.

Importing this package starts nothing and patches nothing; `start_local_aws()` does both.
"""

from __future__ import annotations

from typing import Any


def start_local_aws(*args: Any, **kwargs: Any):
    from .server import start_local_aws as start

    return start(*args, **kwargs)


__all__ = ["start_local_aws"]
