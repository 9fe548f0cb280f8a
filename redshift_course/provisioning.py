"""Instructor tools: give each team a Redshift database, a user and a SecureString; tear it all down.

The same functions serve the local stack (``course up`` provisions the default team through
:func:`provision_local_team`) and a real AWS account (``infra/provision_teams.py``,
``infra/teardown.py``). They receive their clients and an ``admin_connect(database)`` callable
that returns an autocommit connection as the cluster's admin, so nothing here knows which mode it
runs in. That connection is either redshift_connector's (``ClusterAccess.admin_connect``: the
classroom design, where the instructor reaches the endpoint) or a small DB-API-like one over the
Redshift Data API (``ClusterAccess.data_api_connect``, :class:`DataApiConnection`: the private
design, where only the AWS API reaches the cluster; local mode's Data API runs it for real too).

Secrets: each team's password is generated here, goes to Redshift only as its md5 form
(``'md5' || md5(password || user)``, which Redshift and PostgreSQL both accept) and to Parameter
Store as a SecureString; it is returned to no caller, printed nowhere and written nowhere else.
"""

from __future__ import annotations

import json
import re
import secrets
import string
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from local_cloud.sqltext import md5_password, quote_ident

from .settings import CourseSettings
from .teams import Team, validate_team_name

AdminConnect = Callable[[str], Any]
COURSE_TAG = {"Key": "course", "Value": "aws-07-redshift"}


class ProvisioningError(RuntimeError):
    """A problem the instructor can fix, said in one line (the tools print it without a traceback)."""


# Redshift's password rules: 8-64 printable ASCII characters with an upper-case letter, a
# lower-case letter and a digit, and none of ' " \ / @ or space. Letters and digits alone keep
# the value safe in SQL literals, JSON and shells; 32 of them carry about 190 bits.
PASSWORD_LENGTH = 32
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def generate_password(length: int = PASSWORD_LENGTH) -> str:
    if not 8 <= length <= 64:
        raise ValueError("Redshift passwords are 8 to 64 characters long.")
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in candidate)
            and any(c.isupper() for c in candidate)
            and any(c.isdigit() for c in candidate)
        ):
            return candidate


def parse_teams(text: str) -> list[str]:
    """Team names from a comma- or line-separated list (a `--teams` value or a teams file); `#` starts a comment."""
    names: list[str] = []
    for line in text.splitlines():
        for name in line.split("#", 1)[0].split(","):
            name = name.strip()
            if name and name not in names:
                names.append(validate_team_name(name))
    return names


# --- reports ---------------------------------------------------------------------------------------
@dataclass
class TeamProvisioning:
    team: str
    database: str
    user: str
    parameter: str
    actions: list[str] = field(default_factory=list)


@dataclass
class ProvisionReport:
    teams: list[TeamProvisioning] = field(default_factory=list)

    def summary(self) -> str:
        lines = []
        for item in self.teams:
            what = "; ".join(item.actions) if item.actions else "already provisioned, nothing changed"
            lines.append(
                f"{item.team}: database {item.database}, user {item.user}, SecureString {item.parameter}: {what}"
            )
        return "\n".join(lines)


@dataclass
class TeardownReport:
    removed: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.left

    def summary(self) -> str:
        lines = [f"removed: {item}" for item in self.removed]
        lines += [f"not there: {item}" for item in self.absent]
        lines += [f"LEFT BEHIND: {item}" for item in self.left]
        lines.append("Everything is gone." if self.clean else f"{len(self.left)} item(s) left behind: see above.")
        return "\n".join(lines)


# --- Redshift ---------------------------------------------------------------------------------------
def _exists(cursor, sql: str, name: str) -> bool:
    cursor.execute(sql, (name,))
    return cursor.fetchone() is not None


def _user_exists(cursor, user: str) -> bool:
    return _exists(cursor, "select 1 from pg_user where usename = %s", user)


def _database_exists(cursor, database: str) -> bool:
    return _exists(cursor, "select 1 from pg_database where datname = %s", database)


def _grant_team_rights(admin_connect: AdminConnect, database: str, user: str) -> None:
    """The team owns its database; nobody else may create in it (Redshift lets any user connect)."""
    connection = admin_connect(database)
    try:
        cursor = connection.cursor()
        cursor.execute(f"GRANT ALL ON DATABASE {quote_ident(database)} TO {quote_ident(user)}")
        cursor.execute(f"REVOKE ALL ON DATABASE {quote_ident(database)} FROM PUBLIC")
        cursor.execute(f"GRANT ALL ON SCHEMA public TO {quote_ident(user)}")
        cursor.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    finally:
        connection.close()


def _read_parameter(ssm, name: str) -> dict[str, Any] | None:
    try:
        value = ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def team_tags(team: str) -> list[dict[str, str]]:
    """The learner policy lets a learner read only the parameter tagged with their own team."""
    return [{"Key": "team", "Value": team}, COURSE_TAG]


def _write_parameter(ssm, name: str, team: str, value: str) -> None:
    """Create the SecureString with its tags; an existing one is overwritten and (re)tagged, since
    PutParameter refuses Tags together with Overwrite."""
    description = f"Redshift connection settings of team {team} (AWS 07 course)"
    try:
        ssm.put_parameter(Name=name, Description=description, Value=value, Type="SecureString", Tags=team_tags(team))
        return
    except ssm.exceptions.ParameterAlreadyExists:
        pass
    ssm.put_parameter(Name=name, Description=description, Value=value, Type="SecureString", Overwrite=True)
    ssm.add_tags_to_resource(ResourceType="Parameter", ResourceId=name, Tags=team_tags(team))


# --- provisioning ---------------------------------------------------------------------------------
def provision_teams(
    teams: Iterable[str],
    *,
    ssm,
    admin_connect: AdminConnect,
    host: str,
    port: int,
    overwrite: bool = False,
    admin_database: str = "dev",
) -> ProvisionReport:
    """Give every team a database and a user in the cluster, and its settings as a SecureString.

    Idempotent: a team whose user, database and parameter already agree is left alone (its
    password keeps working). A missing or stale parameter, or ``overwrite=True``, gives the user a
    new password and rewrites the parameter. ``host``/``port`` are what goes into the settings
    (the address the team's Lambda and notebooks use), which may differ from the address
    ``admin_connect`` reaches the cluster by (for example through a tunnel).
    """
    report = ProvisionReport()
    for team in teams:
        names = Team(team)
        identifier = names.identifier
        item = TeamProvisioning(team, names.database, names.user, names.parameter_name)
        report.teams.append(item)
        wanted = {"host": host, "port": int(port), "database-name": identifier, "user": identifier}

        connection = admin_connect(admin_database)
        try:
            cursor = connection.cursor()
            user_exists = _user_exists(cursor, identifier)
            database_exists = _database_exists(cursor, identifier)
            stored = _read_parameter(ssm, item.parameter)
            still_good = (
                user_exists
                and stored is not None
                and bool(stored.get("password"))
                and all(stored.get(key) == value for key, value in wanted.items())
            )
            password = None
            if overwrite or not still_good:
                password = generate_password()
                secret = md5_password(identifier, password)
                verb = "ALTER" if user_exists else "CREATE"
                cursor.execute(f"{verb} USER {quote_ident(identifier)} PASSWORD '{secret}'")
                item.actions.append("user created" if verb == "CREATE" else "new password set")
            if not database_exists:
                # CREATE DATABASE cannot run inside a transaction: admin_connect gives autocommit.
                cursor.execute(f"CREATE DATABASE {quote_ident(identifier)} WITH OWNER {quote_ident(identifier)}")
                item.actions.append("database created")
        finally:
            connection.close()

        _grant_team_rights(admin_connect, identifier, identifier)
        if password is not None:
            _write_parameter(ssm, item.parameter, team, json.dumps({**wanted, "password": password}))
            item.actions.append("SecureString written")
            del password
    return report


def provision_local_team(settings: CourseSettings | None = None) -> ProvisionReport:
    """What ``course up`` runs: provision the settings' team on the running local cloud."""
    from functools import partial

    from local_cloud import config, supervisor
    from local_cloud.redshift.admin import admin_connect

    settings = settings or CourseSettings.from_env(mode="local")
    local = settings if settings.is_local else CourseSettings(mode="local", team=settings.team, region=settings.region)
    return provision_teams(
        [local.team],
        ssm=local.client("ssm"),
        admin_connect=partial(admin_connect, supervisor.postgres_dir()),
        host=config.REDSHIFT.host,
        port=config.REDSHIFT.port,
    )


# --- the Redshift Data API as a connection ---------------------------------------------------------
_PLACEHOLDER = re.compile(r"%s")
_DONE = ("FINISHED", "FAILED", "ABORTED")


class DataApiError(ProvisioningError):
    """A statement the Data API ran that FAILED or was ABORTED."""


def _value(field: dict[str, Any]) -> Any:
    if field.get("isNull"):
        return None
    for key in ("longValue", "doubleValue", "booleanValue", "stringValue"):
        if key in field:
            return field[key]
    return None


class DataApiCursor:
    """``execute(sql, params)`` / ``fetchone()`` / ``fetchall()`` over the Data API: one
    ExecuteStatement per call (autocommit, so CREATE DATABASE works), DescribeStatement polled until
    it ends, every page of GetStatementResult read. ``%s`` placeholders become Data API parameters."""

    def __init__(self, connection: DataApiConnection) -> None:
        self.connection = connection
        self.rows: list[tuple[Any, ...]] = []
        self.rowcount = -1

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> DataApiCursor:
        values = [str(value) for value in (params or ())]
        count = len(_PLACEHOLDER.findall(sql))
        if count != len(values):
            raise ValueError(f"The SQL has {count} placeholder(s) and {len(values)} value(s).")
        numbered = iter(range(1, count + 1))
        sql = _PLACEHOLDER.sub(lambda _: f":p{next(numbered)}", sql)
        parameters = [{"name": f"p{number}", "value": value} for number, value in enumerate(values, start=1)]
        described = self.connection.run(sql, parameters)
        self.rowcount = described.get("ResultRows", -1)
        self.rows = self.connection.results(described["Id"]) if described.get("HasResultSet") else []
        return self

    def fetchone(self) -> tuple[Any, ...] | None:
        return self.rows.pop(0) if self.rows else None

    def fetchall(self) -> list[tuple[Any, ...]]:
        rows, self.rows = self.rows, []
        return rows


class DataApiConnection:
    """An admin "connection" through the Redshift Data API (``redshift-data``): the cluster
    (``ClusterIdentifier``) or Serverless workgroup (``WorkgroupName``), the database, and the admin
    secret's ARN. It opens no socket: the private design's cluster is reachable only this way."""

    def __init__(
        self,
        data,
        database: str,
        *,
        secret_arn: str | None,
        cluster_identifier: str | None = None,
        workgroup_name: str | None = None,
        delay: float = 1.0,
        max_attempts: int = 900,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if bool(cluster_identifier) == bool(workgroup_name):
            raise ValueError("Give a cluster identifier or a workgroup name.")
        self.data = data
        self.target: dict[str, str] = {"Database": database}
        if cluster_identifier:
            self.target["ClusterIdentifier"] = cluster_identifier
        else:
            self.target["WorkgroupName"] = str(workgroup_name)
        if secret_arn:
            self.target["SecretArn"] = secret_arn
        self.delay, self.max_attempts, self.sleep = delay, max_attempts, sleep
        self.autocommit = True

    def cursor(self) -> DataApiCursor:
        return DataApiCursor(self)

    def close(self) -> None:
        """Nothing to close: every statement is its own API call."""

    def run(self, sql: str, parameters: list[dict[str, str]] | None = None) -> dict[str, Any]:
        """ExecuteStatement, then DescribeStatement every ``delay`` s (a waiter's poll: the Data API
        has no waiter) until FINISHED; FAILED or ABORTED raise DataApiError with the database's error."""
        request = {**self.target, "Sql": sql}
        if parameters:
            request["Parameters"] = parameters
        statement_id = self.data.execute_statement(**request)["Id"]
        for _attempt in range(self.max_attempts):
            described = self.data.describe_statement(Id=statement_id)
            status = described["Status"]
            if status == "FINISHED":
                return described
            if status in _DONE:
                error = described.get("Error") or "no error given"
                first_line = sql.strip().splitlines()[0] if sql.strip() else sql
                raise DataApiError(f"Data API statement {status} ({first_line[:80]}): {error}")
            self.sleep(self.delay)
        raise DataApiError(
            f"Data API statement {statement_id} still not finished after {self.max_attempts} checks"
            f" {self.delay} s apart: see `aws redshift-data describe-statement --id {statement_id}`."
        )

    def results(self, statement_id: str) -> list[tuple[Any, ...]]:
        rows = []
        for page in self.data.get_paginator("get_statement_result").paginate(Id=statement_id):
            rows.extend(tuple(_value(field) for field in record) for record in page["Records"])
        return rows


# --- AWS cluster access ----------------------------------------------------------------------------
def stack_outputs(cfn, stack_name: str) -> dict[str, str]:
    """A stack's outputs; a missing stack is a one-line ProvisioningError."""
    try:
        stacks = cfn.describe_stacks(StackName=stack_name)["Stacks"]
    except cfn.exceptions.ClientError as error:
        if "does not exist" in str(error):
            raise ProvisioningError(
                f"Stack {stack_name} does not exist in this account and region: deploy it first "
                "(docs/instructor-guide.md) or name it with --warehouse-stack."
            ) from None
        raise
    return {item["OutputKey"]: item["OutputValue"] for item in stacks[0].get("Outputs", [])}


@dataclass(frozen=True)
class ClusterAccess:
    """Where the warehouse is and how its admin gets in: from the stack's outputs (a provisioned
    cluster from infra/redshift-cluster-stack.yml or a Serverless workgroup from
    infra/redshift-serverless-stack.yml) and the admin password secret that Redshift manages in
    Secrets Manager."""

    identifier: str  # the cluster identifier, or the workgroup name
    host: str
    port: int
    secret_arn: str | None = None
    serverless: bool = False
    database: str = "dev"

    @classmethod
    def from_stack(cls, cfn, stack_name: str, serverless_client=None) -> ClusterAccess:
        """``serverless_client`` (redshift-serverless) finds a workgroup's admin secret: the stack
        cannot output it (it is no CloudFormation attribute), GetNamespace gives it."""
        outputs = stack_outputs(cfn, stack_name)
        database = outputs.get("DatabaseName") or "dev"
        try:
            if "WorkgroupName" in outputs:
                secret_arn = None
                if serverless_client is not None:
                    namespace = serverless_client.get_namespace(namespaceName=outputs["NamespaceName"])["namespace"]
                    secret_arn = namespace.get("adminPasswordSecretArn")
                return cls(
                    outputs["WorkgroupName"],
                    outputs["EndpointAddress"],
                    int(outputs["EndpointPort"]),
                    secret_arn,
                    serverless=True,
                    database=database,
                )
            return cls(
                outputs["ClusterIdentifier"],
                outputs["EndpointAddress"],
                int(outputs["EndpointPort"]),
                outputs.get("MasterPasswordSecretArn") or None,
                database=database,
            )
        except KeyError as missing:
            raise ProvisioningError(
                f"Stack {stack_name} has no output {missing}: is it infra/redshift-cluster-stack.yml "
                "or infra/redshift-serverless-stack.yml?"
            ) from None

    def _secret(self, redshift=None) -> str:
        if self.secret_arn:
            return self.secret_arn
        if not self.serverless and redshift is not None:
            cluster = redshift.describe_clusters(ClusterIdentifier=self.identifier)["Clusters"][0]
            if cluster.get("MasterPasswordSecretArn"):
                return cluster["MasterPasswordSecretArn"]
        what = "Workgroup" if self.serverless else "Cluster"
        raise ProvisioningError(
            f"{what} {self.identifier} has no managed admin password secret (ManageMasterPassword / "
            "ManageAdminPassword): deploy it from the course's stack in infra/."
        )

    def data_api_connect(self, data, redshift=None, **poll: Any) -> AdminConnect:
        """An ``admin_connect(database)`` through the Redshift Data API with the managed admin secret."""
        secret_arn = self._secret(redshift)
        where = {"workgroup_name": self.identifier} if self.serverless else {"cluster_identifier": self.identifier}

        def connect(database: str) -> DataApiConnection:
            return DataApiConnection(data, database, secret_arn=secret_arn, **where, **poll)

        return connect

    def admin_connect(self, redshift, secretsmanager) -> AdminConnect:
        """An ``admin_connect(database)`` straight to the endpoint (the classroom design); TLS on."""
        import redshift_connector

        secret_arn = self._secret(redshift)

        def connect(database: str):
            credentials = json.loads(secretsmanager.get_secret_value(SecretId=secret_arn)["SecretString"])
            connection = redshift_connector.connect(
                host=self.host,
                port=int(self.port),
                database=database,
                user=credentials["username"],
                password=credentials["password"],
                ssl=True,
                sslmode="verify-full",
                timeout=30,
            )
            connection.autocommit = True
            return connection

        return connect


# --- teardown ---------------------------------------------------------------------------------------
def _stack_exists(cfn, name: str) -> bool:
    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except cfn.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    return any(stack["StackStatus"] != "DELETE_COMPLETE" for stack in stacks)


def _stack_buckets(cfn, name: str) -> list[str]:
    buckets = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name):
        for resource in page["StackResourceSummaries"]:
            if (
                resource["ResourceType"] == "AWS::S3::Bucket"
                and resource.get("PhysicalResourceId")
                and resource["ResourceStatus"] != "DELETE_COMPLETE"
            ):
                buckets.append(resource["PhysicalResourceId"])
    return buckets


def empty_bucket(s3, bucket: str) -> int:
    """Delete every object, version and delete marker; return how many were deleted."""
    deleted = 0

    def delete(keys: list[dict[str, str]]) -> None:
        nonlocal deleted
        for start in range(0, len(keys), 1000):
            batch = keys[start : start + 1000]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
            deleted += len(batch)

    try:
        versions: list[dict[str, str]] = []
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            for entry in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                versions.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
        delete(versions)
        # Unversioned objects, should a store list them only here.
        keys = [
            {"Key": entry["Key"]}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
            for entry in page.get("Contents", [])
        ]
        delete(keys)
    except s3.exceptions.NoSuchBucket:
        return deleted
    return deleted


# A Lambda in a VPC leaves its network interfaces behind for a while after the function is gone:
# AWS releases them in 20 minutes or more, and until then the stack's security group (and so the
# stack) cannot be deleted. The waiter waits that long (15 s x 160 = 40 min) before reporting.
STACK_DELETE_WAIT = {"Delay": 15, "MaxAttempts": 160}


def _left_in_stack(cfn, name: str) -> str:
    """The resources of a stack that are not deleted yet, for the report."""
    try:
        left = [
            f"{resource['ResourceType']} {resource['LogicalResourceId']} {resource['ResourceStatus']}"
            for page in cfn.get_paginator("list_stack_resources").paginate(StackName=name)
            for resource in page["StackResourceSummaries"]
            if resource["ResourceStatus"] != "DELETE_COMPLETE"
        ]
    except Exception:
        return ""
    return f"; not deleted yet: {', '.join(left)}" if left else ""


def _delete_stack(cfn, s3, name: str, report: TeardownReport, wait: dict[str, int] | None = None) -> None:
    if not _stack_exists(cfn, name):
        report.absent.append(f"stack {name}")
        return
    for bucket in _stack_buckets(cfn, name):
        count = empty_bucket(s3, bucket)
        report.removed.append(f"{count} object(s) and version(s) in bucket {bucket}")
    cfn.delete_stack(StackName=name)
    try:
        cfn.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=wait or STACK_DELETE_WAIT)
    except Exception as error:  # the waiter's message names the failed state; report, go on
        report.left.append(f"stack {name} ({error}{_left_in_stack(cfn, name)})")
        return
    report.removed.append(f"stack {name}")


# --- the final sweep ---------------------------------------------------------------------------------
# Rough on-demand list prices in USD per hour (eu-west-1, 2025), to say what a leftover costs while
# it stays. Anything not listed costs little or nothing while idle (storage and requests aside).
HOURLY_COST = {
    "redshift:cluster": 0.60,  # per ra3.large node
    "redshift-serverless:workgroup": 3.00,  # 8 RPU base capacity, only while it runs queries
    "redshift-serverless:namespace": 0.0,  # storage only
    "ec2:natgateway": 0.05,
    "ec2:vpc-endpoint": 0.011,  # an interface endpoint, per AZ (a gateway endpoint is free)
    "ec2:elastic-ip": 0.005,
}


@dataclass
class Leftover:
    arn: str
    kind: str  # service:resource type, e.g. redshift:cluster
    hourly_usd: float


def _kind(arn: str) -> str:
    parts = arn.split(":", 5)
    service = parts[2] if len(parts) > 2 else "?"
    resource = parts[5] if len(parts) > 5 else ""
    resource_type = re.split(r"[/:]", resource, maxsplit=1)[0] if ("/" in resource or ":" in resource) else service
    return f"{service}:{resource_type}"


def sweep(tagging, tag_value: str = COURSE_TAG["Value"]) -> list[Leftover]:
    """Everything in the region still tagged course=<tag_value> (Resource Groups Tagging API),
    with a rough hourly cost."""
    found = []
    for page in tagging.get_paginator("get_resources").paginate(
        TagFilters=[{"Key": COURSE_TAG["Key"], "Values": [tag_value]}]
    ):
        for item in page.get("ResourceTagMappingList", []):
            kind = _kind(item["ResourceARN"])
            found.append(Leftover(item["ResourceARN"], kind, HOURLY_COST.get(kind, 0.0)))
    return found


def sweep_summary(leftovers: list[Leftover]) -> str:
    if not leftovers:
        return "Sweep: nothing tagged course=aws-07-redshift is left in this region."
    lines = [f"Sweep: {len(leftovers)} resource(s) still tagged course=aws-07-redshift in this region:"]
    for item in sorted(leftovers, key=lambda leftover: (-leftover.hourly_usd, leftover.arn)):
        cost = f"~${item.hourly_usd:.3f}/h" if item.hourly_usd else "~$0/h idle"
        lines.append(f"  {cost:>13}  {item.kind:32} {item.arn}")
    total = sum(item.hourly_usd for item in leftovers)
    lines.append(
        f"  about ${total:.2f} per hour in all (rough list prices). The instructor's network and warehouse "
        "stacks are among them until you delete those (docs/instructor-guide.md)."
    )
    return "\n".join(lines)


def _terminate_sessions(cursor, database: str) -> None:
    """Redshift refuses to drop a database that has sessions. PostgreSQL lists them in
    pg_stat_activity.pid, Redshift in stv_sessions.process."""
    for sql in (
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
        "select pg_terminate_backend(process) from stv_sessions where db_name = %s and process <> pg_backend_pid()",
    ):
        try:
            cursor.execute(sql, (database,))
            cursor.fetchall()
            return
        except Exception:
            continue


def teardown(
    teams: Iterable[str],
    *,
    cfn,
    s3,
    ssm,
    admin_connect: AdminConnect | None,
    admin_database: str = "dev",
    wait: dict[str, int] | None = None,
) -> TeardownReport:
    """Delete each team's ETL and deployment-bucket stacks (emptying their buckets first), its
    SecureString, its database and its user. Reports what was removed, what was not there, and
    anything left behind (with the reason). ``admin_connect=None`` leaves Redshift alone. ``wait``
    is the stack-delete waiter's config (default STACK_DELETE_WAIT, long enough for VPC Lambdas)."""
    report = TeardownReport()
    for team in teams:
        probe = CourseSettings(mode="local", team=team)  # only for the names
        for stack_name in (probe.etl_stack, probe.deployment_bucket_stack):
            try:
                _delete_stack(cfn, s3, stack_name, report, wait)
            except Exception as error:
                report.left.append(f"stack {stack_name} ({error})")

        try:
            ssm.delete_parameter(Name=probe.parameter_name)
            report.removed.append(f"parameter {probe.parameter_name}")
        except ssm.exceptions.ParameterNotFound:
            report.absent.append(f"parameter {probe.parameter_name}")
        except Exception as error:
            report.left.append(f"parameter {probe.parameter_name} ({error})")

        if admin_connect is None:
            continue
        identifier = Team(team).identifier
        try:
            connection = admin_connect(admin_database)
        except Exception as error:
            report.left.append(f"database and user {identifier} (cannot connect as admin: {error})")
            continue
        try:
            cursor = connection.cursor()
            if _database_exists(cursor, identifier):
                _terminate_sessions(cursor, identifier)
                try:
                    cursor.execute(f"DROP DATABASE {quote_ident(identifier)}")
                    report.removed.append(f"database {identifier}")
                except Exception as error:
                    report.left.append(f"database {identifier} ({error})")
            else:
                report.absent.append(f"database {identifier}")
            if _user_exists(cursor, identifier):
                try:
                    cursor.execute(f"DROP USER {quote_ident(identifier)}")
                    report.removed.append(f"user {identifier}")
                except Exception as error:
                    report.left.append(f"user {identifier} ({error})")
            else:
                report.absent.append(f"user {identifier}")
        finally:
            connection.close()
    return report
