"""The Redshift Data API of the local AWS runs the SQL for real on a local Redshift of the tests' own."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from local_cloud.aws import redshift_clusters, redshift_data
from local_cloud.redshift.server import start_local_redshift
from redshift_course.provisioning import generate_password

CLUSTER = "course-data-api"
MASTER = "dataadmin"
TERMINAL = ("FINISHED", "FAILED", "ABORTED")


@pytest.fixture(scope="module")
def redshift(local_aws):
    """A private local Redshift; clusters created meanwhile get their master login there, and the
    Data API runs its statements there. The session's callbacks come back afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="course-data-api-"))
    previous_callback, previous_connect = redshift_clusters._callback, redshift_data._connect
    with start_local_redshift(folder, port=0, postgres_port=0) as handle:

        def on_cluster(user: str, password: str, database: str) -> None:
            local_aws.clusters.append((user, password, database))
            handle.create_login(user, password, database, superuser=True)

        redshift_clusters.set_callback(on_cluster)
        redshift_data.set_connector(handle.data_api_connect)
        try:
            yield handle
        finally:
            redshift_clusters.set_callback(previous_callback)
            redshift_data.set_connector(previous_connect)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(client, redshift):
    password = generate_password()
    client("redshift").create_cluster(
        ClusterIdentifier=CLUSTER,
        NodeType="ra3.large",
        MasterUsername=MASTER,
        MasterUserPassword=password,
        DBName="dev",
        ClusterType="single-node",
    )
    secret_arn = client("secretsmanager").create_secret(
        Name="course/data-api-master", SecretString=json.dumps({"username": MASTER, "password": password})
    )["ARN"]
    return {"ClusterIdentifier": CLUSTER, "Database": "dev", "SecretArn": secret_arn}


@pytest.fixture
def data(client):
    return client("redshift-data")


def finished(data, statement_id: str, helpers) -> dict:
    """DescribeStatement until the statement ends (the Data API is asynchronous)."""
    return helpers.wait_for(
        lambda: (d := data.describe_statement(Id=statement_id)) and d["Status"] in TERMINAL and d, timeout=60
    )


def test_execute_statement_runs_the_sql_and_returns_typed_fields(data, cluster, helpers):
    sql = (
        "select 42 as answer, 2.5::float8 as ratio, true as flag, 'brew'::varchar as name,"
        " null::int as nothing, 12.30::numeric(10,2) as price, date '2024-05-01' as day"
    )
    statement_id = data.execute_statement(Sql=sql, **cluster)["Id"]
    described = finished(data, statement_id, helpers)
    assert described["Status"] == "FINISHED", described
    assert described["HasResultSet"] is True
    assert described["ResultRows"] == 1
    assert described["Duration"] > 0
    assert described["QueryString"] == sql
    result = data.get_statement_result(Id=statement_id)
    assert [column["name"] for column in result["ColumnMetadata"]] == [
        "answer",
        "ratio",
        "flag",
        "name",
        "nothing",
        "price",
        "day",
    ]
    assert result["ColumnMetadata"][0]["typeName"] == "int4"
    assert result["Records"] == [
        [
            {"longValue": 42},
            {"doubleValue": 2.5},
            {"booleanValue": True},
            {"stringValue": "brew"},
            {"isNull": True},
            {"stringValue": "12.30"},
            {"stringValue": "2024-05-01"},
        ]
    ]
    assert result["TotalNumRows"] == 1
    assert "NextToken" not in result


def test_parameters_and_db_user(data, cluster, helpers):
    as_master = {"ClusterIdentifier": CLUSTER, "Database": "dev", "DbUser": MASTER}
    for sql in ("drop table if exists beans", "create table beans (name varchar(20), grams int)"):
        assert finished(data, data.execute_statement(Sql=sql, **as_master)["Id"], helpers)["Status"] == "FINISHED"
    insert = data.execute_statement(
        Sql="insert into beans values (:name, :grams)",
        Parameters=[{"name": "name", "value": "it's arabica"}, {"name": "grams", "value": "250"}],
        **as_master,
    )
    described = finished(data, insert["Id"], helpers)
    assert described["Status"] == "FINISHED", described
    assert described["HasResultSet"] is False
    assert described["ResultRows"] == 1
    select = data.execute_statement(
        Sql="select name, grams from beans where grams > :least",
        Parameters=[{"name": "least", "value": "100"}],
        **cluster,
    )
    finished(data, select["Id"], helpers)
    assert data.get_statement_result(Id=select["Id"])["Records"] == [
        [{"stringValue": "it's arabica"}, {"longValue": 250}]
    ]


def test_failed_statement_reports_the_database_error(data, cluster, helpers):
    described = finished(data, data.execute_statement(Sql="select * from no_such_table", **cluster)["Id"], helpers)
    assert described["Status"] == "FAILED"
    assert described["Error"].startswith("ERROR: ") and "no_such_table" in described["Error"]
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        data.get_statement_result(Id=described["Id"])


def test_batch_runs_in_one_transaction_with_sub_statement_results(data, cluster, helpers):
    batch = data.batch_execute_statement(
        Sqls=[
            "drop table if exists cups",
            "create table cups (size int)",
            "insert into cups values (1), (2), (3)",
            "select count(*) as n from cups",
        ],
        StatementName="cups-batch",
        **cluster,
    )
    described = finished(data, batch["Id"], helpers)
    assert described["Status"] == "FINISHED", described
    assert [part["Status"] for part in described["SubStatements"]] == ["FINISHED"] * 4
    assert described["SubStatements"][3]["Id"] == batch["Id"] + ":4"
    assert data.get_statement_result(Id=batch["Id"] + ":4")["Records"] == [[{"longValue": 3}]]

    failing = data.batch_execute_statement(
        Sqls=["insert into cups values (4)", "select * from no_such_table", "insert into cups values (5)"], **cluster
    )
    described = finished(data, failing["Id"], helpers)
    assert described["Status"] == "FAILED"
    assert [part["Status"] for part in described["SubStatements"]] == ["FINISHED", "FAILED", "ABORTED"]
    count = data.execute_statement(Sql="select count(*) from cups", **cluster)["Id"]
    finished(data, count, helpers)
    assert data.get_statement_result(Id=count)["Records"] == [[{"longValue": 3}]]  # rolled back

    listed = data.list_statements(StatementName="cups-batch")["Statements"]
    assert [item["Id"] for item in listed] == [batch["Id"]]
    assert listed[0]["IsBatchStatement"] is True and listed[0]["Status"] == "FINISHED"


def test_results_page_with_next_token(data, cluster, helpers, monkeypatch):
    monkeypatch.setattr(redshift_data, "PAGE_BYTES", 200)
    statement_id = data.execute_statement(Sql="select n from generate_series(1, 100) as n", **cluster)["Id"]
    assert finished(data, statement_id, helpers)["ResultRows"] == 100
    first = data.get_statement_result(Id=statement_id)
    assert "NextToken" in first and len(first["Records"]) < 100
    pages = list(data.get_paginator("get_statement_result").paginate(Id=statement_id))
    assert len(pages) > 1
    assert [row[0]["longValue"] for page in pages for row in page["Records"]] == list(range(1, 101))
    assert {page["TotalNumRows"] for page in pages} == {100}


def test_list_statements_newest_first_and_paginated(data, cluster, helpers):
    ids = [data.execute_statement(Sql=f"select {n}", **cluster)["Id"] for n in range(3)]
    for statement_id in ids:
        finished(data, statement_id, helpers)
    pages = list(data.get_paginator("list_statements").paginate(PaginationConfig={"PageSize": 2}))
    listed = [item["Id"] for page in pages for item in page["Statements"]]
    assert listed[:3] == ids[::-1]
    assert len(pages) > 1


def test_cancel_statement_aborts_a_running_query(data, cluster, helpers):
    statement_id = data.execute_statement(Sql="select pg_sleep(60)", **cluster)["Id"]
    helpers.wait_for(lambda: data.describe_statement(Id=statement_id)["Status"] == "STARTED", timeout=60)
    assert data.cancel_statement(Id=statement_id)["Status"] is True
    assert finished(data, statement_id, helpers)["Status"] == "ABORTED"
    with pytest.raises(ClientError, match="Could not cancel"):
        data.cancel_statement(Id=statement_id)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"ClusterIdentifier": "no-such-cluster", "Database": "dev", "DbUser": MASTER}, "no-such-cluster"),
        ({"Database": "dev", "DbUser": MASTER}, "ClusterIdentifier or WorkgroupName"),
        ({"ClusterIdentifier": CLUSTER, "Database": "dev"}, "SecretArn or DbUser"),
    ],
)
def test_bad_requests_are_refused_at_once(data, cluster, arguments, message):
    with pytest.raises(ClientError, match="ValidationException") as error:
        data.execute_statement(Sql="select 1", **arguments)
    assert message in str(error.value)


def test_unknown_statement(data):
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        data.describe_statement(Id="00000000-0000-0000-0000-000000000000")


def test_provisioning_through_the_data_api_end_to_end(client, data, cluster, redshift):
    """The private design's path, locally: provision_teams and teardown through the Data API with the
    cluster's admin secret; the team then logs in through the gateway with its SecureString."""
    from redshift_course.provisioning import ClusterAccess, provision_teams, teardown

    access = ClusterAccess(CLUSTER, redshift.host, redshift.port, cluster["SecretArn"])
    admin_connect = access.data_api_connect(data, delay=0.05)
    ssm = client("ssm")
    report = provision_teams(
        ["brew-crew"], ssm=ssm, admin_connect=admin_connect, host=redshift.host, port=redshift.port
    )
    assert report.teams[0].actions == ["user created", "database created", "SecureString written"]
    name = report.teams[0].parameter
    tags = ssm.list_tags_for_resource(ResourceType="Parameter", ResourceId=name)["TagList"]
    assert {"Key": "team", "Value": "brew-crew"} in tags
    settings = json.loads(ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"])
    with redshift.connect(settings["user"], settings["password"], settings["database-name"]) as team:
        cursor = team.cursor()
        cursor.execute("create table beans (name varchar(10))")
        cursor.execute("select current_user, current_database()")
        assert cursor.fetchone() == ["brew_crew", "brew_crew"]
        team.commit()
    shown = [item.get("QueryString", "") for item in data.list_statements(MaxResults=100)["Statements"]]
    assert not [text for text in shown if settings["password"] in text or "md5" in text]

    again = provision_teams(["brew-crew"], ssm=ssm, admin_connect=admin_connect, host=redshift.host, port=redshift.port)
    assert again.teams[0].actions == []

    gone = teardown(["brew-crew"], cfn=client("cloudformation"), s3=client("s3"), ssm=ssm, admin_connect=admin_connect)
    assert {"database brew_crew", "user brew_crew", f"parameter {name}"} <= set(gone.removed), gone.summary()
    assert gone.clean, gone.summary()


def test_manage_master_password_keeps_the_login_in_secrets_manager(client, data, redshift, helpers):
    redshift_api = client("redshift")
    created = redshift_api.create_cluster(
        ClusterIdentifier="course-managed",
        NodeType="ra3.large",
        MasterUsername="managedadmin",
        ManageMasterPassword=True,
        DBName="dev",
        ClusterType="single-node",
    )["Cluster"]
    secret_arn = created["MasterPasswordSecretArn"]
    assert (
        redshift_api.describe_clusters(ClusterIdentifier="course-managed")["Clusters"][0]["MasterPasswordSecretArn"]
        == secret_arn
    )
    secret = json.loads(client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])
    assert secret["username"] == "managedadmin" and len(secret["password"]) >= 8
    statement_id = data.execute_statement(
        ClusterIdentifier="course-managed", Database="dev", SecretArn=secret_arn, Sql="select current_user"
    )["Id"]
    assert finished(data, statement_id, helpers)["Status"] == "FINISHED"
    assert data.get_statement_result(Id=statement_id)["Records"] == [[{"stringValue": "managedadmin"}]]


def test_cloudformation_cluster_with_managed_password_serves_cluster_access(client, aws, data, redshift, tmp_path):
    from redshift_course.provisioning import ClusterAccess

    (tmp_path / "managed.yaml").write_text(
        """
Resources:
  Cluster:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: ra3.large
      DBName: dev
      MasterUsername: stackadmin
      ManageMasterPassword: true
Outputs:
  ClusterIdentifier:
    Value: !Ref Cluster
  EndpointAddress:
    Value: !GetAtt Cluster.Endpoint.Address
  EndpointPort:
    Value: !GetAtt Cluster.Endpoint.Port
  MasterPasswordSecretArn:
    Value: !GetAtt Cluster.MasterPasswordSecretArn
  DatabaseName:
    Value: dev
"""
    )
    aws("cloudformation", "deploy", "--template-file", str(tmp_path / "managed.yaml"), "--stack-name", "managed")
    access = ClusterAccess.from_stack(client("cloudformation"), "managed")
    assert access.secret_arn and access.secret_arn.startswith("arn:aws:secretsmanager:")
    cursor = access.data_api_connect(data, delay=0.05)("dev").cursor()
    cursor.execute("select current_user")
    assert cursor.fetchall() == [("stackadmin",)]


def test_a_cluster_cannot_take_over_the_local_admin_role(client, redshift):
    from local_cloud.redshift.admin import read_admin_credentials

    admin = read_admin_credentials(redshift.data_dir)["user"]
    with pytest.raises(ClientError, match="own admin role"):
        client("redshift").create_cluster(
            ClusterIdentifier="course-takeover",
            NodeType="ra3.large",
            MasterUsername=admin,
            ManageMasterPassword=True,
            ClusterType="single-node",
        )
    connection = redshift.admin()
    connection.close()  # the admin still logs in


def test_the_instructor_tools_provision_through_the_data_api_with_the_course_stacks(
    client, aws, data, redshift, local_aws, monkeypatch, capsys
):
    """infra/network-stack.yml and infra/redshift-cluster-stack.yml deployed in the local AWS, then
    infra/provision_teams.py --via data-api and infra/teardown.py, as an instructor runs them."""
    import importlib

    from local_cloud import config

    repo = Path(__file__).resolve().parents[3]
    # S3's prefix list looked up as the instructor guide does (moto knows AWS's managed lists).
    s3_prefix_list = aws(
        "ec2",
        "describe-managed-prefix-lists",
        "--filters",
        "Name=prefix-list-name,Values=com.amazonaws.eu-west-1.s3",
        "--query",
        "PrefixLists[0].PrefixListId",
        "--output",
        "text",
    ).stdout.strip()
    aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "redshift-course-network",
        "--template-file",
        str(repo / "infra" / "network-stack.yml"),
        "--capabilities",
        "CAPABILITY_IAM",
        "--parameter-overrides",
        f"S3PrefixListId={s3_prefix_list}",
    )
    aws(
        "cloudformation",
        "deploy",
        "--stack-name",
        "redshift-course-cluster",
        "--template-file",
        str(repo / "infra" / "redshift-cluster-stack.yml"),
        "--parameter-overrides",
        "NetworkStackName=redshift-course-network",
        "MasterUsername=awsuser",
    )
    monkeypatch.setenv(config.AWS.variable, str(local_aws.port))
    monkeypatch.syspath_prepend(str(repo / "infra"))
    provision_tool, teardown_tool, common = (
        importlib.import_module(name) for name in ("provision_teams", "teardown", "_common")
    )
    assert common.design_via(client("cloudformation"), "redshift-course-network") == "data-api"

    assert common.run_tool(provision_tool.main, ["--local", "--via", "data-api", "--teams", "bean-there"]) == 0
    assert "bean-there: database bean_there, user bean_there" in capsys.readouterr().out
    settings = json.loads(
        client("ssm").get_parameter(Name="bean_there_redshift_settings", WithDecryption=True)["Parameter"]["Value"]
    )
    assert settings["port"] == int(os.environ["COURSE_REDSHIFT_PORT"])  # the cluster's endpoint
    # The test's own Redshift listens elsewhere: log in there with the team's settings.
    with redshift.connect(settings["user"], settings["password"], settings["database-name"]) as team:
        cursor = team.cursor()
        cursor.execute("select current_user")
        assert cursor.fetchone() == ["bean_there"]

    argv = ["--local", "--via", "data-api", "--teams", "bean-there", "--yes"]
    assert common.run_tool(teardown_tool.main, argv) == 0
    assert "Everything is gone." in capsys.readouterr().out
