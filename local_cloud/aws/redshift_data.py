"""The Redshift Data API, for real: statements run on the local Redshift, asynchronously.

moto 5.2.5's `redshift-data` stores each statement as STARTED and answers every GetStatementResult
with the same three canned rows; BatchExecuteStatement and ListStatements are missing. Here

* ExecuteStatement and BatchExecuteStatement check the request as AWS does (ClusterIdentifier or
  WorkgroupName, Database, SecretArn or DbUser), answer at once with the statement's Id, and a
  thread runs the SQL on the local Redshift: SUBMITTED, then STARTED, then FINISHED, FAILED (with
  the database's error) or ABORTED (CancelStatement);
* the SQL runs through the gateway, like every client's. With SecretArn it logs in as the secret's
  `username` (default: the cluster's master user) with its `password`, read from the local AWS's
  Secrets Manager; with DbUser (AWS's temporary credentials) it runs as that existing user, in a
  session the local Redshift's admin opens for it. A workgroup (Serverless) without a secret runs
  as the admin, as AWS runs it as an IAM-mapped user. There is one local Redshift: every cluster
  and workgroup name reaches it; a ClusterIdentifier must name a cluster of the local AWS;
* a single statement runs in autocommit, as AWS's does; a batch runs in one transaction;
  Parameters (`:name` in the SQL) are bound as literals; DescribeStatement gives Duration (ns),
  HasResultSet, ResultRows, RedshiftPid, SubStatements; GetStatementResult gives typed fields
  (longValue, doubleValue, booleanValue, stringValue - NUMERIC, dates and times as text as AWS
  does -, isNull) and pages with NextToken once a page's JSON passes PAGE_BYTES;
* ListStatements lists the newest first, filtered by Status and StatementName, paginated.

The adapter needs a way into the local Redshift: the supervisor hands `start_local_aws` a
`redshift_connect(database, user, password)` callable (see RedshiftConnect).
"""

from __future__ import annotations

import datetime
import decimal
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from moto.core.common_types import TYPE_RESPONSE
from moto.core.exceptions import JsonRESTError
from moto.redshiftdata.responses import RedshiftDataAPIServiceResponse

# (database, user, password) -> a DB-API connection (autocommit on) through the local gateway.
# password given: log in as user; user without password: the admin's session acting as user (SET
# SESSION AUTHORIZATION); user None: the admin itself (also used to cancel a running statement).
RedshiftConnect = Callable[[str, "str | None", "str | None"], Any]

PAGE_BYTES = 1_000_000  # a GetStatementResult page ends once its records' JSON passes this
_connect: RedshiftConnect | None = None
_lock = threading.Lock()
_statements: dict[str, _Statement] = {}

_TYPE_NAMES = {
    16: "bool",
    20: "int8",
    21: "int2",
    23: "int4",
    25: "text",
    700: "float4",
    701: "float8",
    1042: "bpchar",
    1043: "varchar",
    1082: "date",
    1083: "time",
    1114: "timestamp",
    1184: "timestamptz",
    1700: "numeric",
    19: "name",
    26: "oid",
}
_SIGNED = {"int2", "int4", "int8", "float4", "float8", "numeric"}
_ID_RULE = re.compile(r"^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\d+)?$")
# A `:name` placeholder outside quotes (and not a `::type` cast).
_PASSWORD_LITERAL = re.compile(r"(\bPASSWORD\s+)'(?:[^']|'')*'", re.IGNORECASE)
_SQL_TOKENS = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|::|:([A-Za-z_][A-Za-z0-9_]*)")


class ValidationException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ValidationException", message)


class ResourceNotFoundException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ResourceNotFoundException", message)


def set_connector(connect: RedshiftConnect | None) -> None:
    global _connect
    _connect = connect


@dataclass
class _Result:
    query: str
    status: str = "SUBMITTED"
    error: str | None = None
    duration: int = -1
    has_result_set: bool = False
    result_rows: int = -1
    result_size: int = -1
    columns: list[dict[str, Any]] = field(default_factory=list)
    records: list[list[dict[str, Any]]] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)


@dataclass
class _Statement:
    id: str
    account: str
    region: str
    request: dict[str, Any]
    parts: list[_Result]
    is_batch: bool
    status: str = "SUBMITTED"
    error: str | None = None
    pid: int = -1
    duration: int = -1
    cancelled: bool = False
    created_at: float = field(default_factory=time.time)
    updated_at: float = field(default_factory=time.time)

    def set_status(self, status: str, error: str | None = None) -> None:
        self.status, self.updated_at = status, time.time()
        if error is not None:
            self.error = error


# --- values ----------------------------------------------------------------------------------------
def _field(value: Any) -> dict[str, Any]:
    if value is None:
        return {"isNull": True}
    if isinstance(value, bool):
        return {"booleanValue": value}
    if isinstance(value, int):
        return {"longValue": value}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, datetime.datetime):
        return {"stringValue": value.isoformat(sep=" ")}
    if isinstance(value, (datetime.date, datetime.time, decimal.Decimal)):
        return {"stringValue": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"stringValue": bytes(value).hex()}
    return {"stringValue": str(value)}


def _column(description: tuple) -> dict[str, Any]:
    type_name = _TYPE_NAMES.get(description[1], str(description[1]))
    return {
        "name": description[0],
        "label": description[0],
        "typeName": type_name,
        "isCaseSensitive": type_name in ("varchar", "bpchar", "text", "name"),
        "isCurrency": False,
        "isSigned": type_name in _SIGNED,
        "nullable": 1,
        "schemaName": "",
        "tableName": "",
        "precision": 0,
        "scale": 0,
        "length": 0,
    }


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def bind_parameters(sql: str, parameters: list[dict[str, str]] | None) -> str:
    """Replace each `:name` outside quotes with its value as a literal (AWS sends values as text and
    lets Redshift cast them). A placeholder without a value, or a value no placeholder uses, is an error."""
    if not parameters:
        return sql
    values = {}
    for parameter in parameters:
        name, value = parameter.get("name"), parameter.get("value")
        if not name or value is None:
            raise ValidationException("Each parameter needs a name and a value.")
        values[name] = value
    used: set[str] = set()

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name is None:
            return match.group(0)
        if name not in values:
            raise ValidationException(f"Parameter :{name} has no value in Parameters.")
        used.add(name)
        return _literal(values[name])

    bound = _SQL_TOKENS.sub(replace, sql)
    unused = sorted(set(values) - used)
    if unused:
        raise ValidationException(f"Parameters not used in the SQL: {', '.join(unused)}.")
    return bound


def _error_text(error: Exception) -> str:
    detail = error.args[0] if error.args else error
    if isinstance(detail, dict) and "M" in detail:  # redshift_connector's server error
        return f"ERROR: {detail['M']}"
    return f"ERROR: {detail}"


# --- who runs the SQL ------------------------------------------------------------------------------
def _cluster(account: str, region: str, identifier: str):
    from moto.redshift.models import redshift_backends

    cluster = redshift_backends[account][region].clusters.get(identifier)
    if cluster is None:
        raise ValidationException(f"Redshift endpoint doesn't exist in this region: cluster {identifier} not found.")
    return cluster


def _secret(account: str, region: str, secret_arn: str) -> dict[str, Any]:
    from moto.secretsmanager.models import secretsmanager_backends

    try:
        value = secretsmanager_backends[account][region].get_secret_value(secret_arn, None, "AWSCURRENT")
        return json.loads(value["SecretString"])
    except Exception as error:
        raise ValidationException(f"The secret {secret_arn} cannot be read as a JSON secret: {error}") from None


def _credentials(account: str, region: str, request: dict[str, Any]) -> tuple[str | None, str | None]:
    """(user, password) the statement runs as; see RedshiftConnect for what None means."""
    cluster_id, workgroup = request.get("ClusterIdentifier"), request.get("WorkgroupName")
    if bool(cluster_id) == bool(workgroup):
        raise ValidationException("Either ClusterIdentifier or WorkgroupName must be specified, not both.")
    if not request.get("Database"):
        raise ValidationException("Database is required.")
    secret_arn, db_user = request.get("SecretArn"), request.get("DbUser")
    if secret_arn and db_user:
        raise ValidationException("Specify either SecretArn or DbUser, not both.")
    cluster = _cluster(account, region, cluster_id) if cluster_id else None
    if secret_arn:
        secret = _secret(account, region, secret_arn)
        user = secret.get("username") or (cluster.master_username if cluster else None)
        if not user or not secret.get("password"):
            raise ValidationException(f"The secret {secret_arn} has no username and password.")
        return user, secret["password"]
    if db_user:
        return db_user, None
    if cluster is not None:
        raise ValidationException("A cluster needs SecretArn or DbUser.")
    return None, None  # a workgroup with IAM credentials: the admin


# --- running -----------------------------------------------------------------------------------------
def _run_part(cursor, part: _Result, statement: _Statement) -> None:
    part.status, part.updated_at = "STARTED", time.time()
    started = time.perf_counter_ns()
    cursor.execute(part.query)
    part.duration = time.perf_counter_ns() - started
    part.result_rows = cursor.rowcount if cursor.rowcount is not None else -1
    if cursor.description:
        part.has_result_set = True
        part.columns = [_column(item) for item in cursor.description]
        part.records = [[_field(value) for value in row] for row in cursor.fetchall()]
        part.result_rows = len(part.records)
        part.result_size = len(json.dumps(part.records))
    part.status, part.updated_at = "FINISHED", time.time()


def _run(statement: _Statement, user: str | None, password: str | None) -> None:
    started = time.perf_counter_ns()
    connection = None
    try:
        if _connect is None:
            raise RuntimeError("the local AWS was started without a way into the local Redshift")
        if statement.cancelled:
            return
        connection = _connect(statement.request["Database"], user, password)
        cursor = connection.cursor()
        cursor.execute("select pg_backend_pid()")
        statement.pid = int(cursor.fetchone()[0])
        if statement.cancelled:
            return
        statement.set_status("STARTED")
        if statement.is_batch:
            connection.autocommit = False
        for index, part in enumerate(statement.parts):
            try:
                _run_part(cursor, part, statement)
            except Exception as error:
                part.status, part.error, part.updated_at = "FAILED", _error_text(error), time.time()
                for later in statement.parts[index + 1 :]:
                    later.status, later.updated_at = "ABORTED", time.time()
                raise
        if statement.is_batch:
            connection.commit()
        statement.duration = time.perf_counter_ns() - started
        statement.set_status("FINISHED")
    except Exception as error:
        statement.duration = time.perf_counter_ns() - started
        if statement.cancelled:
            statement.set_status("ABORTED")
        else:
            statement.set_status("FAILED", _error_text(error))
        if connection is not None and statement.is_batch:
            try:
                connection.rollback()
            except Exception:
                pass
    finally:
        if statement.cancelled and statement.status not in ("FINISHED", "FAILED"):
            statement.set_status("ABORTED")
        if connection is not None:
            try:
                connection.close()
            except Exception:
                pass


def _submit(account: str, region: str, request: dict[str, Any], queries: list[str], is_batch: bool) -> _Statement:
    user, password = _credentials(account, region, request)
    statement = _Statement(
        id=str(uuid.uuid4()),
        account=account,
        region=region,
        request=request,
        parts=[_Result(query) for query in queries],
        is_batch=is_batch,
    )
    with _lock:
        _statements[statement.id] = statement
    threading.Thread(
        target=_run, args=(statement, user, password), name=f"redshift-data-{statement.id[:8]}", daemon=True
    ).start()
    return statement


def _find(account: str, region: str, statement_id: str | None) -> tuple[_Statement, _Result | None]:
    if not statement_id or not _ID_RULE.match(statement_id):
        raise ValidationException("id must satisfy regex pattern: ^[a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12}(:\\d+)?$")
    base, _, number = statement_id.partition(":")
    statement = _statements.get(base)
    if statement is None or (statement.account, statement.region) != (account, region):
        raise ResourceNotFoundException("Query does not exist.")
    if not number:
        return statement, None
    index = int(number) - 1
    if not statement.is_batch or not 0 <= index < len(statement.parts):
        raise ResourceNotFoundException("Query does not exist.")
    return statement, statement.parts[index]


# --- the responses -------------------------------------------------------------------------------
def _shown(query: str) -> str:
    """The statement's text as Describe/ListStatements show it: a PASSWORD literal (even in its md5
    form, which logs in as well as the password) is never echoed back."""
    return _PASSWORD_LITERAL.sub(r"\1'***'", query)


def _summary(statement: _Statement) -> dict[str, Any]:
    request = statement.request
    out: dict[str, Any] = {
        "Id": statement.id,
        "CreatedAt": statement.created_at,
        "UpdatedAt": statement.updated_at,
        "Status": statement.status,
        "IsBatchStatement": statement.is_batch,
    }
    if statement.is_batch:
        out["QueryStrings"] = [_shown(part.query) for part in statement.parts]
    else:
        out["QueryString"] = _shown(statement.parts[0].query)
    for key in ("SecretArn", "StatementName", "Database"):
        if request.get(key):
            out[key] = request[key]
    if request.get("Parameters"):
        out["QueryParameters"] = request["Parameters"]
    return out


def _origin(request: dict[str, Any]) -> dict[str, Any]:
    return {
        key: request[key]
        for key in ("ClusterIdentifier", "WorkgroupName", "Database", "DbUser", "SecretArn")
        if request.get(key)
    }


def _json(body: dict[str, Any]) -> TYPE_RESPONSE:
    return 200, {}, json.dumps(body)


def _request(self: RedshiftDataAPIServiceResponse) -> dict[str, Any]:
    return json.loads(self.body or "{}")


def execute_statement(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    request = _request(self)
    if not request.get("Sql"):
        raise ValidationException("Sql is required.")
    query = bind_parameters(request["Sql"], request.get("Parameters"))
    statement = _submit(self.current_account, self.region, request, [query], is_batch=False)
    return _json({"Id": statement.id, "CreatedAt": statement.created_at, **_origin(request)})


def batch_execute_statement(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    request = _request(self)
    queries = request.get("Sqls") or []
    if not 1 <= len(queries) <= 40:
        raise ValidationException("Sqls takes 1 to 40 SQL statements.")
    statement = _submit(self.current_account, self.region, request, queries, is_batch=True)
    return _json({"Id": statement.id, "CreatedAt": statement.created_at, **_origin(request)})


def describe_statement(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    statement, part = _find(self.current_account, self.region, _request(self).get("Id"))
    body = {
        **_summary(statement),
        **_origin(statement.request),
        "Duration": statement.duration,
        "RedshiftPid": statement.pid,
        "HasResultSet": any(item.has_result_set for item in statement.parts),
        "ResultRows": sum(max(item.result_rows, 0) for item in statement.parts)
        if statement.status == "FINISHED"
        else -1,
        "ResultSize": sum(max(item.result_size, 0) for item in statement.parts),
    }
    if not statement.is_batch:
        only = statement.parts[0]
        body.update(HasResultSet=only.has_result_set, ResultRows=only.result_rows, ResultSize=only.result_size)
    if statement.error:
        body["Error"] = statement.error
    if statement.is_batch:
        body["SubStatements"] = [
            {
                "Id": f"{statement.id}:{number}",
                "Status": item.status,
                "QueryString": _shown(item.query),
                "Duration": item.duration,
                "HasResultSet": item.has_result_set,
                "ResultRows": item.result_rows,
                "ResultSize": item.result_size,
                "CreatedAt": item.created_at,
                "UpdatedAt": item.updated_at,
                **({"Error": item.error} if item.error else {}),
            }
            for number, item in enumerate(statement.parts, start=1)
        ]
    del part  # a sub-statement's Id describes its whole batch, as on AWS
    return _json(body)


def get_statement_result(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    request = _request(self)
    statement, part = _find(self.current_account, self.region, request.get("Id"))
    if part is None:
        if statement.is_batch:
            raise ValidationException("A batch's results are read per sub-statement: use its Id with :<number>.")
        part = statement.parts[0]
    if part.status != "FINISHED" or not part.has_result_set:
        raise ResourceNotFoundException("Query does not have result. Please check query status with DescribeStatement.")
    start = 0
    if request.get("NextToken"):
        try:
            start = int(request["NextToken"])
        except ValueError:
            raise ValidationException("NextToken is not valid.") from None
    records, size, index = [], 0, start
    while index < len(part.records):
        records.append(part.records[index])
        size += len(json.dumps(part.records[index]))
        index += 1
        if size >= PAGE_BYTES:
            break
    body: dict[str, Any] = {"ColumnMetadata": part.columns, "Records": records, "TotalNumRows": len(part.records)}
    if index < len(part.records):
        body["NextToken"] = str(index)
    return _json(body)


def list_statements(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    request = _request(self)
    wanted_status = request.get("Status", "ALL")
    name = request.get("StatementName")
    max_results = int(request.get("MaxResults") or 100)
    if not 0 <= max_results <= 100:
        raise ValidationException("MaxResults is 0 to 100.")
    max_results = max_results or 100
    with _lock:
        mine = [s for s in _statements.values() if (s.account, s.region) == (self.current_account, self.region)]
    mine.sort(key=lambda s: s.created_at, reverse=True)
    mine = [
        s
        for s in mine
        if (wanted_status == "ALL" or s.status == wanted_status)
        and (not name or (s.request.get("StatementName") or "").startswith(name))
    ]
    start = int(request.get("NextToken") or 0)
    page = mine[start : start + max_results]
    body: dict[str, Any] = {"Statements": [_summary(s) for s in page]}
    if start + max_results < len(mine):
        body["NextToken"] = str(start + max_results)
    return _json(body)


def cancel_statement(self: RedshiftDataAPIServiceResponse) -> TYPE_RESPONSE:
    statement, _ = _find(self.current_account, self.region, _request(self).get("Id"))
    if statement.status not in ("SUBMITTED", "PICKED", "STARTED"):
        raise ValidationException(
            f"Could not cancel a query that is already in {statement.status} state with ID: {statement.id}"
        )
    statement.cancelled = True
    if statement.pid > 0 and _connect is not None:
        admin = _connect(statement.request["Database"], None, None)
        try:
            cursor = admin.cursor()
            cursor.execute(f"select pg_cancel_backend({int(statement.pid)})")
            cursor.fetchall()
        finally:
            admin.close()
    return _json({"Status": True})


def apply(connect: RedshiftConnect | None = None) -> None:
    set_connector(connect)
    for handler in (
        execute_statement,
        batch_execute_statement,
        describe_statement,
        get_statement_result,
        list_statements,
        cancel_statement,
    ):
        setattr(RedshiftDataAPIServiceResponse, handler.__name__, handler)
