"""Redshift's default IAM role (COPY ... IAM_ROLE default): least privilege, trust, and wiring.

The network stack's RedshiftCopyRole may read the staged rows (``staging_utils.STAGING_PREFIX``) of the
teams' raw-data buckets, as handouts/etl-stack.yml names them, in this account only, and nothing
else: not the uploads (they hold the shoppers' names), not the rejects, no writes. The cluster
stack and the Serverless namespace both make it their default role. Evaluated as CloudFormation
would deploy the templates (cfn_model.py), with IAM's matching rules (iam_model.py).
"""

from __future__ import annotations

import pytest
from aws_mode_support import HANDOUTS, REPO
from cfn_model import PSEUDO, S3_PREFIX_LIST, Stack, deploy, load_template
from iam_model import role_allows

from redshift_course.handout_code import staging_utils
from redshift_course.teams import Team

INFRA = REPO / "infra"
NETWORK = "redshift-course-network"
ACCOUNT = PSEUDO["AWS::AccountId"]
OTHER_ACCOUNT = "210987654321"
TEAMS = ["la-vida-mocha", "brew-crew", "z", "a" * 40]
STAGED = staging_utils.STAGING_PREFIX


def network_stack() -> Stack:
    (stack,) = deploy((NETWORK, INFRA / "network-stack.yml", {"S3PrefixListId": S3_PREFIX_LIST}))
    return stack


@pytest.fixture(scope="module")
def role() -> dict:
    return network_stack().resources["RedshiftCopyRole"]["Properties"]


def bucket_of(team: str) -> str:
    """The raw-data bucket's name as the ETL stack builds it (one home: handouts/etl-stack.yml)."""
    etl = Stack(
        f"{team}-shopper-etl-pipeline",
        load_template(HANDOUTS / "etl-stack.yml"),
        {"TeamName": team, "RedshiftSettingsParameterName": Team(team).parameter_name},
    )
    (bucket,) = etl.of_type("AWS::S3::Bucket").values()
    return bucket["BucketName"]


def get(role: dict, bucket: str, key: str, owner: str = ACCOUNT) -> bool:
    return role_allows(role, "s3:GetObject", f"arn:aws:s3:::{bucket}/{key}", {"aws:ResourceAccount": owner})


def lists(role: dict, bucket: str, prefix: str | None, owner: str = ACCOUNT) -> bool:
    context = {"aws:ResourceAccount": owner} | ({} if prefix is None else {"s3:prefix": prefix})
    return role_allows(role, "s3:ListBucket", f"arn:aws:s3:::{bucket}", context)


@pytest.mark.parametrize("team", TEAMS)
def test_it_reads_and_lists_each_teams_staged_rows(role, team):
    bucket = bucket_of(team)
    assert bucket == f"{Team(team).raw_data_bucket_prefix}{ACCOUNT}"
    assert get(role, bucket, f"{STAGED}mystery_shops_2024-03.csv/0001.csv")
    assert lists(role, bucket, f"{STAGED}mystery_shops_2024-03.csv")
    assert lists(role, bucket, STAGED)


def test_it_reads_and_lists_the_lambdas_staged_parts(role):
    """What the Lambda's COPYs read: each part by its key (COPY lists it as a prefix), and on a
    retried transaction every part at once, from the prefix they share."""

    class Puts:
        def put_object(self, **kwargs):
            pass

    bucket = bucket_of("la-vida-mocha")
    staged = staging_utils.StagedRows(Puts(), bucket, part_rows=1)
    staged.write([(1, 1, 1, "t", "n", 1, "2024-03-01", "10:00:00", "10:30:00", 3)] * 2)
    staged.upload()
    assert len(staged.uploaded_keys) == 2 and staged.uri == f"s3://{bucket}/{staged.prefix}"
    assert lists(role, bucket, staged.prefix)
    for key in staged.uploaded_keys:
        assert key.startswith(staged.prefix) and get(role, bucket, key) and lists(role, bucket, key)


@pytest.mark.parametrize(
    "key", ["mystery_shops_2024-03.csv", "rejected/mystery_shops_2024-03.csv.rejects.csv", "staging", "stagingx/a"]
)
def test_it_reads_nothing_outside_the_staged_prefix(role, key):
    """The uploads hold the shoppers' names; only the staged rows (without them) may be read."""
    assert not get(role, bucket_of("la-vida-mocha"), key)


@pytest.mark.parametrize("prefix", [None, "", "rejected/", "mystery", "stagingx/"])
def test_it_lists_nothing_outside_the_staged_prefix(role, prefix):
    assert not lists(role, bucket_of("la-vida-mocha"), prefix)


def test_a_bucket_of_that_name_in_another_account_is_refused(role):
    """Bucket names are global: the ARN pattern alone would match someone else's bucket."""
    bucket = bucket_of("la-vida-mocha")
    assert not get(role, bucket, f"{STAGED}a.csv", owner=OTHER_ACCOUNT)
    assert not lists(role, bucket, STAGED, owner=OTHER_ACCOUNT)
    assert not get(role, f"la-vida-mocha-raw-data-{OTHER_ACCOUNT}", f"{STAGED}a.csv", owner=OTHER_ACCOUNT)


@pytest.mark.parametrize("bucket", [f"cloudtrail-logs-{ACCOUNT}", f"la-vida-mocha-shopper-deployment-bucket-{ACCOUNT}"])
def test_other_buckets_of_the_account_are_refused(role, bucket):
    assert not get(role, bucket, f"{STAGED}a.csv") and not lists(role, bucket, STAGED)


@pytest.mark.parametrize("action", ["s3:PutObject", "s3:DeleteObject", "s3:GetObjectAcl", "s3:*", "kms:Decrypt"])
def test_it_may_do_nothing_else(role, action):
    resource = f"arn:aws:s3:::{bucket_of('la-vida-mocha')}/{STAGED}a.csv"
    assert not role_allows(role, action, resource, {"aws:ResourceAccount": ACCOUNT, "s3:prefix": STAGED})
    actions = {st["Action"] for policy in role["Policies"] for st in policy["PolicyDocument"]["Statement"]}
    assert actions == {"s3:GetObject", "s3:ListBucket"}
    assert "ManagedPolicyArns" not in role


def test_it_is_trusted_by_redshift_and_redshift_serverless_only(role):
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Effect"] == "Allow" and statement["Action"] == "sts:AssumeRole"
    assert sorted(statement["Principal"]["Service"]) == ["redshift-serverless.amazonaws.com", "redshift.amazonaws.com"]
    assert set(statement["Principal"]) == {"Service"}


def test_the_network_stack_exports_it():
    stack = network_stack()
    assert stack.exports[f"{NETWORK}-RedshiftCopyRoleArn"] == f"{NETWORK}/RedshiftCopyRole.Arn"


def test_the_cluster_makes_it_its_default_role():
    _, cluster_stack = deploy(
        (NETWORK, INFRA / "network-stack.yml", {"S3PrefixListId": S3_PREFIX_LIST}),
        ("redshift-course-cluster", INFRA / "redshift-cluster-stack.yml", {"NetworkStackName": NETWORK}),
    )
    role_arn = f"{NETWORK}/RedshiftCopyRole.Arn"
    (cluster,) = cluster_stack.of_type("AWS::Redshift::Cluster").values()
    assert cluster["IamRoles"] == [role_arn] and cluster["EnhancedVpcRouting"] is True
    (default,) = cluster_stack.of_type("Custom::RedshiftDefaultIamRole").values()
    assert default["RoleArn"] == role_arn and default["ClusterIdentifier"] == "redshift-course-cluster/Cluster"


def test_the_serverless_namespace_makes_it_its_default_role():
    _, serverless = deploy(
        (NETWORK, INFRA / "network-stack.yml", {"S3PrefixListId": S3_PREFIX_LIST}),
        ("redshift-course-serverless", INFRA / "redshift-serverless-stack.yml", {"NetworkStackName": NETWORK}),
    )
    (namespace,) = serverless.of_type("AWS::RedshiftServerless::Namespace").values()
    role_arn = f"{NETWORK}/RedshiftCopyRole.Arn"
    assert namespace["DefaultIamRoleArn"] == role_arn and namespace["IamRoles"] == [role_arn]
    (workgroup,) = serverless.of_type("AWS::RedshiftServerless::Workgroup").values()
    assert workgroup["EnhancedVpcRouting"] is True


def test_the_s3_prefix_list_parameter_takes_only_a_prefix_list_id():
    import re

    pattern = re.compile(load_template(INFRA / "network-stack.yml")["Parameters"]["S3PrefixListId"]["AllowedPattern"])
    assert pattern.match(S3_PREFIX_LIST) and pattern.match("pl-db7db54a8b9f28a9a")
    for refused in ("", "None", "pl-", "sg-0123456789abcdef0", "pl-XYZ12345", "pl-6da54004 "):
        assert not pattern.match(refused), refused


def test_every_team_name_the_course_accepts_gets_its_staged_rows_read(role):
    """The naming rules' 1,500 generated names (tests/aws_mode/test_naming_rules.py): the role's
    bucket pattern covers the raw-data bucket of every team deploy.sh lets through."""
    from test_naming_rules import NAMES, course_accepts

    accepted = [team for team in NAMES if course_accepts(team)]
    assert len(accepted) > 100
    bucket = {team: f"{Team(team).raw_data_bucket_prefix}{ACCOUNT}" for team in accepted}
    assert not [team for team in accepted if not get(role, bucket[team], f"{STAGED}march.csv")]
    assert not [team for team in accepted if get(role, bucket[team], "march.csv")]
