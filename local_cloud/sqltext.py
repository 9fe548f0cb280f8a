"""SQL text built in Python, shared by the local Redshift and the instructor tools.

No imports beyond the standard library: the AWS-side tools use it without loading the local stack.
"""

from __future__ import annotations

import hashlib


def md5_password(user: str, password: str) -> str:
    """The form PostgreSQL (and Redshift) accept instead of a plain password: 'md5' + md5(password + user).

    With it, the plain password never enters the SQL text (nor any log of it)."""
    return "md5" + hashlib.md5((password + user).encode()).hexdigest()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
