"""Run with plain moto (no adapter) in a fresh process; prints what moto itself does, as JSON.

test_local_aws_moto_gaps.py asserts these observations, so a moto upgrade that closes (or moves)
a gap fails a test and points at the adapter module to revisit.
"""

import io
import json
import os
import zipfile

from local_cloud.config import DUMMY_ACCESS_KEY_ID, DUMMY_SECRET_ACCESS_KEY  # noqa: E402

# Neither module applies the adapter at import: they load only redshift_course.settings (and boto3).
from redshift_course.provisioning import generate_password  # noqa: E402

os.environ.update(
    AWS_ACCESS_KEY_ID=DUMMY_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY=DUMMY_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION="eu-west-1"
)
import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

REGION = "eu-west-1"
seen = {}


def probe(name):
    def wrap(function):
        try:
            seen[name] = function()
        except Exception as error:  # record, don't stop: each gap is asserted separately
            seen[name] = f"raised {type(error).__name__}: {error}"
        return function

    return wrap


def zip_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 42\n")
    return buffer.getvalue()


with mock_aws():
    cfn = boto3.client("cloudformation", region_name=REGION)
    s3 = boto3.client("s3", region_name=REGION)
    lam = boto3.client("lambda", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam.create_function(
        FunctionName="fn", Runtime="python3.12", Role=role, Handler="app.handler", Code={"ZipFile": zip_bytes()}
    )
    fn_arn = lam.get_function(FunctionName="fn")["Configuration"]["FunctionArn"]

    @probe("lambda_invoke_payload")
    def _():
        return lam.invoke(FunctionName="fn", Payload=b"{}")["Payload"].read().decode()

    @probe("s3_event_key")
    def _():
        from moto.s3 import notifications

        class Key:
            name, etag, size = "in/a b.csv", '"e"', 1

        class Bucket:
            name, arn, region_name = "b", "arn:aws:s3:::b", REGION

        return notifications._get_s3_event("s3:ObjectCreated:Put", Bucket, Key, "id")["Records"][0]["s3"]["object"][
            "key"
        ]

    @probe("s3_lambda_call_is_synchronous")
    def _():
        import inspect

        from moto.s3 import notifications

        return "func.invoke(" in inspect.getsource(notifications._invoke_awslambda)

    bucket_template = {
        "Parameters": {"Name": {"Type": "String"}},
        "Resources": {
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "BucketName": {"Ref": "Name"},
                    "PublicAccessBlockConfiguration": {"BlockPublicAcls": True},
                    "NotificationConfiguration": {
                        "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": fn_arn}]
                    },
                },
            },
            "Policy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {
                    "Bucket": {"Ref": "Bucket"},
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": "*",
                                "Action": "s3:GetObject",
                                "Resource": "arn:aws:s3:::x/*",
                            }
                        ],
                    },
                },
            },
        },
        "Outputs": {"BucketName": {"Value": {"Ref": "Bucket"}}},
    }
    body = json.dumps(bucket_template)
    cfn.create_change_set(
        StackName="gaps",
        ChangeSetName="c1",
        ChangeSetType="CREATE",
        TemplateBody=body,
        Parameters=[{"ParameterKey": "Name", "ParameterValue": "gap-bucket"}],
    )
    cfn.execute_change_set(ChangeSetName="c1", StackName="gaps")

    @probe("outputs_after_change_set")
    def _():
        return cfn.describe_stacks(StackName="gaps")["Stacks"][0].get("Outputs")

    @probe("cfn_bucket_notification")
    def _():
        config = s3.get_bucket_notification_configuration(Bucket="gap-bucket")
        return config.get("LambdaFunctionConfigurations", [])

    @probe("cfn_public_access_block")
    def _():
        return s3.get_public_access_block(Bucket="gap-bucket")["PublicAccessBlockConfiguration"]

    @probe("cfn_bucket_policy")
    def _():
        return s3.get_bucket_policy(Bucket="gap-bucket")["Policy"]

    @probe("no_change_change_set")
    def _():
        cfn.create_change_set(
            StackName="gaps",
            ChangeSetName="c2",
            ChangeSetType="UPDATE",
            TemplateBody=body,
            Parameters=[{"ParameterKey": "Name", "ParameterValue": "gap-bucket"}],
        )
        return cfn.describe_change_set(ChangeSetName="c2", StackName="gaps")["Status"]

    @probe("delete_stack_with_non_empty_bucket")
    def _():
        s3.put_object(Bucket="gap-bucket", Key="k", Body=b"x")
        cfn.delete_stack(StackName="gaps")
        stacks = cfn.list_stacks()["StackSummaries"]
        return [s["StackStatus"] for s in stacks if s["StackName"] == "gaps"]

    @probe("conditional_deny_policy_blocks_put")
    def _():
        s3.create_bucket(Bucket="tls-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        s3.put_bucket_policy(
            Bucket="tls-bucket",
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": "arn:aws:s3:::tls-bucket/*",
                            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                        }
                    ],
                }
            ),
        )
        from moto.iam.access_control import PermissionResult
        from moto.s3.models import s3_backends

        bucket = s3_backends["123456789012"]["aws"].get_bucket("tls-bucket")
        return bucket.get_permission("s3:PutObject", "arn:aws:s3:::tls-bucket/k") == PermissionResult.DENIED

    boto3.client("ssm", region_name=REGION).put_parameter(Name="pw", Value=generate_password(), Type="SecureString")
    cluster_template = """
Resources:
  Cluster:
    Type: AWS::Redshift::Cluster
    Properties:
      ClusterType: single-node
      NodeType: ra3.large
      DBName: dev
      MasterUsername: admin
      MasterUserPassword: "{{resolve:ssm-secure:pw}}"
Outputs:
  Address:
    Value: !GetAtt Cluster.Endpoint.Address
"""

    @probe("nested_getatt")
    def _():
        cfn.create_stack(StackName="cluster", TemplateBody=cluster_template)
        return cfn.describe_stacks(StackName="cluster")["Stacks"][0].get("Outputs")

    @probe("redshift_endpoint_and_password")
    def _():
        from moto.redshift.models import redshift_backends

        cfn.create_stack(StackName="cluster2", TemplateBody=cluster_template.split("Outputs:")[0])
        cluster = next(iter(redshift_backends["123456789012"][REGION].clusters.values()))
        return {
            "address": cluster.endpoint["Address"],
            "password": cluster.master_user_password,
            "getatt_address": cluster.get_cfn_attribute("Endpoint.Address"),
        }

    @probe("log_group_after_update")
    def _():
        def template(days):
            return json.dumps(
                {
                    "Resources": {
                        "G": {
                            "Type": "AWS::Logs::LogGroup",
                            "Properties": {"LogGroupName": "/aws/lambda/g", "RetentionInDays": days},
                        }
                    },
                    "Outputs": {"N": {"Value": {"Ref": "G"}}},
                }
            )

        cfn.create_stack(StackName="lg", TemplateBody=template(7))
        cfn.update_stack(StackName="lg", TemplateBody=template(14))
        return cfn.describe_stacks(StackName="lg")["Stacks"][0].get("Outputs")

    @probe("redshift_data_canned")
    def _():
        data = boto3.client("redshift-data", region_name=REGION)
        statement_id = data.execute_statement(
            ClusterIdentifier="any", Database="dev", DbUser="u", Sql="select 1 as one"
        )["Id"]
        result = data.get_statement_result(Id=statement_id)
        return {
            "status": data.describe_statement(Id=statement_id)["Status"],
            "columns": [column["name"] for column in result["ColumnMetadata"]],
        }

    @probe("redshift_data_batch")
    def _():
        data = boto3.client("redshift-data", region_name=REGION)
        return data.batch_execute_statement(ClusterIdentifier="any", Database="dev", DbUser="u", Sqls=["select 1"])

    @probe("redshift_managed_password")
    def _():
        redshift = boto3.client("redshift", region_name=REGION)
        created = redshift.create_cluster(
            ClusterIdentifier="managed",
            NodeType="ra3.large",
            MasterUsername="admin",
            ManageMasterPassword=True,
            ClusterType="single-node",
        )["Cluster"]
        return created.get("MasterPasswordSecretArn")

    @probe("redshift_ref_cluster")
    def _():
        cfn.create_stack(
            StackName="refcluster",
            TemplateBody=cluster_template.split("Outputs:")[0] + "Outputs:\n  Id:\n    Value: !Ref Cluster\n",
        )
        return cfn.describe_stacks(StackName="refcluster")["Stacks"][0]["Outputs"][0]["OutputValue"]


print(json.dumps(seen, default=str))
