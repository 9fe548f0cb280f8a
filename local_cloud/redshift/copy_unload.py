"""Redshift's COPY (from S3) and UNLOAD (to S3) on the local Redshift: the gateway's translation.

The gateway hands every statement here first (``translate``). A ``COPY ... FROM 's3://...'`` becomes
``CALL pg_catalog._rs_copy(table, spec)`` and an ``UNLOAD ('query') TO 's3://...'`` becomes
``CALL pg_catalog._rs_unload(query, spec)``, where ``spec`` is the statement's options as JSON plus
the local S3's endpoint. Those procedures (copy_unload.sql) run PostgreSQL's own COPY with
``FROM/TO PROGRAM`` s3_stream, in the client's session and transaction.

An option the local Redshift cannot honour becomes ``CALL pg_catalog._rs_copy_refuse(message)``: the
statement fails with "not available on the local Redshift: ...", never with a bare syntax error.
docs/local_redshift_copy.md lists what is supported and how it differs from Redshift.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..sqltext import quote_literal

_MAYBE = re.compile(r"\b(copy|unload)\b", re.IGNORECASE)
_TOKEN = re.compile(
    r"""\s+|--[^\n]*|/\*.*?\*/
    |(?P<string>'(?:[^']|'')*')
    |(?P<ident>"(?:[^"]|"")*")
    |(?P<word>[A-Za-z_][A-Za-z0-9_$]*)
    |(?P<number>\d+)
    |(?P<punct>[().,;*])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)
NOT_AVAILABLE = "not available on the local Redshift: "


class Refused(Exception):
    """The statement cannot run locally; the message says why (and the SQLSTATE to use)."""

    def __init__(self, message: str, code: str = "0A000") -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Token:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def value(self) -> str:
        if self.kind == "string":
            return self.text[1:-1].replace("''", "'")
        return self.text


def tokens(sql: str) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(sql):
        kind = match.lastgroup
        if kind is not None:
            found.append(Token(kind, match.group()))
    return found


def split_statements(sql: str) -> list[str]:
    """The statements of a simple Query, split at semicolons outside strings, identifiers and comments."""
    pieces, start = [], 0
    for match in _TOKEN.finditer(sql):
        if match.lastgroup == "punct" and match.group() == ";":
            pieces.append(sql[start : match.start()])
            start = match.end()
    pieces.append(sql[start:])
    return pieces


class _Reader:
    def __init__(self, items: list[Token], statement: str) -> None:
        self.items = items
        self.at = 0
        self.statement = statement

    def peek(self) -> Token | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def next(self, what: str) -> Token:
        token = self.peek()
        if token is None:
            raise Refused(f"syntax error in {self.statement}: {what} expected at the end", "42601")
        self.at += 1
        return token

    def word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.upper in words:
            self.at += 1
            return True
        return False

    def string(self, option: str) -> str:
        self.word("AS")
        token = self.next(f"a quoted value after {option}")
        if token.kind != "string":
            raise Refused(f"syntax error in {self.statement}: {option} takes a quoted value, not {token.text}", "42601")
        return token.value

    def number(self, option: str) -> int:
        self.word("AS")
        token = self.next(f"a number after {option}")
        if token.kind != "number":
            raise Refused(f"syntax error in {self.statement}: {option} takes a number, not {token.text}", "42601")
        return int(token.text)


# Options accepted and without effect locally (credentials, statistics, compression analysis...).
_IGNORED_WITH_STRING = {"CREDENTIALS", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "SESSION_TOKEN", "MASTER_SYMMETRIC_KEY"}
_ON_OFF = {"ON", "OFF", "TRUE", "FALSE", "PRESET"}


def _credentials(reader: _Reader, token: Token) -> bool:
    if token.upper == "IAM_ROLE":
        if not reader.word("DEFAULT"):
            role = reader.string("IAM_ROLE")
            if not re.match(r"^arn:aws[a-z-]*:iam::\d{12}:role/\S+", role.split(",")[0]):
                raise Refused(
                    f"Invalid IAM_ROLE '{role}': an IAM role ARN (arn:aws:iam::<account>:role/<name>)", "22023"
                )
        return True
    if token.upper in _IGNORED_WITH_STRING:
        reader.string(token.upper)
        return True
    return False


def datestyle(dateformat: str) -> str | None:
    """PostgreSQL's DateStyle for a Redshift DATEFORMAT: the order of day, month and year."""
    if dateformat.lower() == "auto":
        return None
    upper = dateformat.upper()
    places = {part: upper.find(part) for part in ("DD", "MM", "MON", "YY")}
    month = places["MM"] if places["MM"] >= 0 else places["MON"]
    day, year = places["DD"], places["YY"]
    if min(day, month, year) < 0:
        raise Refused(
            f"{NOT_AVAILABLE}DATEFORMAT '{dateformat}' (the local Redshift reads DD, MM and YYYY in any order)"
        )
    order = "".join(letter for _, letter in sorted(((day, "D"), (month, "M"), (year, "Y"))))
    return f"ISO, {order}"


def parse_copy(sql: str) -> tuple[str, dict] | None:
    """(table as written, spec) for a COPY from S3; None for any other COPY (PostgreSQL's own)."""
    reader = _Reader(tokens(sql), "COPY")
    if not reader.word("COPY"):
        return None
    table = ""
    while (token := reader.peek()) is not None and (token.kind in ("word", "ident") or token.text == "."):
        if token.upper == "FROM" and table:
            break
        table += token.text
        reader.at += 1
    spec: dict = {}
    if reader.peek() is not None and reader.peek().text == "(":
        reader.at += 1
        columns = []
        while True:
            token = reader.next("a column name")
            if token.kind == "word":
                columns.append(token.text.lower())
            elif token.kind == "ident":
                columns.append(token.text[1:-1].replace('""', '"'))
            else:
                raise Refused(f"syntax error in COPY: a column name expected, not {token.text}", "42601")
            token = reader.next("',' or ')'")
            if token.text == ")":
                break
            if token.text != ",":
                raise Refused(f"syntax error in COPY: ',' or ')' expected, not {token.text}", "42601")
        spec["columns"] = columns
    if not reader.word("FROM"):
        return None
    source = reader.peek()
    if source is None or source.kind != "string":
        return None  # COPY ... FROM STDIN and friends: PostgreSQL's own
    url = source.value
    reader.at += 1
    if not url.startswith("s3://"):
        if url.startswith(("dynamodb://", "emr://")) or "ssh" in url.lower():
            raise Refused(f"{NOT_AVAILABLE}COPY from '{url}' (only from Amazon S3, the local S3)")
        raise Refused(f"{NOT_AVAILABLE}COPY from a server file '{url}' (only from Amazon S3: 's3://bucket/prefix')")
    if not table:
        raise Refused("syntax error in COPY: a table name expected", "42601")
    spec["url"] = url
    _copy_options(reader, spec)
    return table, spec


def _copy_options(reader: _Reader, spec: dict) -> None:
    while (token := reader.peek()) is not None:
        reader.at += 1
        word = token.upper
        if token.text == ",":
            continue
        if _credentials(reader, token):
            continue
        if word == "WITH":
            continue
        if word == "FORMAT":
            reader.word("AS")
            kind = reader.next("a format after FORMAT")
            if kind.upper != "CSV":
                raise Refused(f"{NOT_AVAILABLE}COPY FORMAT {kind.text} (CSV and delimited text are)")
            spec["csv"] = True
            if reader.word("QUOTE"):
                spec["quote"] = reader.string("QUOTE")
        elif word == "CSV":
            spec["csv"] = True
            if reader.word("QUOTE"):
                spec["quote"] = reader.string("QUOTE")
        elif word == "DELIMITER":
            spec["delimiter"] = reader.string("DELIMITER")
            if len(spec["delimiter"]) != 1:
                raise Refused(f"DELIMITER must be a single character, not '{spec['delimiter']}'", "22023")
        elif word == "IGNOREHEADER":
            spec["ignoreheader"] = reader.number("IGNOREHEADER")
        elif word == "DATEFORMAT":
            style = datestyle(reader.string("DATEFORMAT"))
            if style:
                spec["datestyle"] = style
        elif word == "TIMEFORMAT":
            value = reader.string("TIMEFORMAT")
            if value.lower().startswith("epoch"):
                raise Refused(f"{NOT_AVAILABLE}TIMEFORMAT '{value}' (the local Redshift reads dates and times as text)")
        elif word == "NULL":
            spec["null_as"] = reader.string("NULL AS")
        elif word in ("EMPTYASNULL", "BLANKSASNULL", "GZIP", "MANIFEST", "TRUNCATECOLUMNS"):
            spec[word.lower()] = True
        elif word == "MAXERROR":
            spec["maxerror"] = reader.number("MAXERROR")
        elif word == "ACCEPTINVCHARS":
            spec["acceptinvchars"] = "?"
            token = reader.peek()
            if token is not None and (token.upper == "AS" or token.kind == "string"):
                spec["acceptinvchars"] = reader.string("ACCEPTINVCHARS")
        elif word == "REGION":
            spec["region"] = reader.string("REGION")
        elif word in ("COMPUPDATE", "STATUPDATE"):
            reader.word(*_ON_OFF)
        elif word in ("NOLOAD",):
            raise Refused(f"{NOT_AVAILABLE}COPY option NOLOAD")
        elif token.text == ";":
            break
        else:
            raise Refused(f"{NOT_AVAILABLE}COPY option {token.text.upper()} (see docs/local_redshift_copy.md)")


def parse_unload(sql: str, rewrite: Callable[[str], str]) -> tuple[str, dict] | None:
    reader = _Reader(tokens(sql), "UNLOAD")
    if not reader.word("UNLOAD"):
        return None
    if reader.next("'('").text != "(":
        raise Refused("syntax error in UNLOAD: UNLOAD ('select ...') TO 's3://...' expected", "42601")
    query_token = reader.next("the quoted query")
    if query_token.kind != "string" or reader.next("')'").text != ")":
        raise Refused("syntax error in UNLOAD: UNLOAD ('select ...') TO 's3://...' expected", "42601")
    if not reader.word("TO"):
        raise Refused("syntax error in UNLOAD: TO 's3://bucket/prefix' expected", "42601")
    url = reader.string("TO")
    if not url.startswith("s3://") or not url[5:].partition("/")[0]:
        raise Refused(f"UNLOAD destination '{url}' is not an S3 URL (s3://bucket/prefix)", "22023")
    spec: dict = {"url": url}
    while (token := reader.peek()) is not None:
        reader.at += 1
        word = token.upper
        if token.text == "," or word == "WITH":
            continue
        if _credentials(reader, token):
            continue
        if word == "FORMAT":
            reader.word("AS")
            kind = reader.next("a format after FORMAT")
            if kind.upper != "CSV":
                raise Refused(f"{NOT_AVAILABLE}UNLOAD FORMAT {kind.text} (CSV and delimited text are)")
            spec["csv"] = True
        elif word == "CSV":
            spec["csv"] = True
        elif word == "DELIMITER":
            spec["delimiter"] = reader.string("DELIMITER")
        elif word == "NULL":
            spec["null_as"] = reader.string("NULL AS")
        elif word in ("HEADER", "ALLOWOVERWRITE", "GZIP"):
            spec[word.lower()] = True
        elif word == "MANIFEST":
            spec["manifest"] = True
            reader.word("VERBOSE")
        elif word == "PARALLEL":
            spec["parallel"] = not reader.word("OFF", "FALSE")
            reader.word("ON", "TRUE")
        elif word == "REGION":
            spec["region"] = reader.string("REGION")
        elif word == "MAXFILESIZE":
            reader.word("AS")
            reader.next("a size after MAXFILESIZE")
            reader.word("MB", "GB")
        elif token.text == ";":
            break
        else:
            raise Refused(f"{NOT_AVAILABLE}UNLOAD option {token.text.upper()} (see docs/local_redshift_copy.md)")
    query = query_token.value.strip().rstrip(";")
    return rewrite(query), spec


def _one(statement: str, endpoint: str, rewrite: Callable[[str], str]) -> str | None:
    head = tokens(statement[:200])
    first = head[0].upper if head else ""
    try:
        if first == "COPY":
            parsed = parse_copy(statement)
            if parsed is None:
                return None
            table, spec = parsed
            spec["endpoint"] = endpoint
            return (
                f"CALL pg_catalog._rs_copy({quote_literal(table)}::regclass, {quote_literal(json.dumps(spec))}::jsonb)"
            )
        if first == "UNLOAD":
            parsed = parse_unload(statement, rewrite)
            if parsed is None:
                return None
            query, spec = parsed
            spec["endpoint"] = endpoint
            return f"CALL pg_catalog._rs_unload({quote_literal(query)}, {quote_literal(json.dumps(spec))}::jsonb)"
    except Refused as refused:
        return f"CALL pg_catalog._rs_copy_refuse({quote_literal(str(refused))}, {quote_literal(refused.code)})"
    return None


def translate(sql: str, endpoint: str, rewrite: Callable[[str], str]) -> str | None:
    """The SQL to send for ``sql`` if it holds a COPY from S3 or an UNLOAD, else None.

    ``rewrite`` (the gateway's rewrite_sql) handles every other statement of a multi-statement
    Query, and the query inside an UNLOAD."""
    if not _MAYBE.search(sql):
        return None
    statements = split_statements(sql)
    translated = [_one(statement, endpoint, rewrite) for statement in statements]
    if all(item is None for item in translated):
        return None
    out = []
    for statement, item in zip(statements, translated):
        if item is not None:
            out.append(item)
        elif statement.strip():
            out.append(rewrite(statement))
        else:
            out.append(statement)
    return ";".join(out)
