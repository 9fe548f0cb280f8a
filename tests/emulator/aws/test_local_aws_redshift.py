"""Redshift clusters in the local AWS point at the local Redshift and create their master login."""

import json
import os
import textwrap

from redshift_course.provisioning import generate_password


def test_create_cluster_api_gives_local_endpoint_and_calls_back(client, local_aws):
    redshift = client("redshift")
    password = generate_password()
    redshift.create_cluster(
        ClusterIdentifier="course-api-cluster",
        NodeType="ra3.large",
        MasterUsername="awsuser",
        MasterUserPassword=password,
        DBName="shop",
        ClusterType="single-node",
    )
    cluster = redshift.describe_clusters(ClusterIdentifier="course-api-cluster")["Clusters"][0]
    assert cluster["Endpoint"] == {"Address": "127.0.0.1", "Port": int(os.environ["COURSE_REDSHIFT_PORT"])}
    assert ("awsuser", password, "shop") in local_aws.clusters


def test_cloudformation_cluster_with_nested_getatt_and_ssm_secure_password(client, aws, tmp_path, local_aws):
    password = generate_password()
    client("ssm").put_parameter(Name="course_master_password", Value=password, Type="SecureString", Overwrite=True)
    (tmp_path / "cluster.yaml").write_text(
        textwrap.dedent("""
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Cluster:
            Type: AWS::Redshift::Cluster
            Properties:
              ClusterType: single-node
              NodeType: ra3.large
              DBName: dev
              MasterUsername: admin
              MasterUserPassword: "{{resolve:ssm-secure:course_master_password}}"
              Encrypted: true
              PubliclyAccessible: false
        Outputs:
          Address:
            Value: !GetAtt Cluster.Endpoint.Address
          Port:
            Value: !GetAtt Cluster.Endpoint.Port
          Jdbc:
            Value: !Sub "jdbc:redshift://${Cluster.Endpoint.Address}:${Cluster.Endpoint.Port}/dev"
    """)
    )
    aws("cloudformation", "deploy", "--template-file", str(tmp_path / "cluster.yaml"), "--stack-name", "course-cluster")
    stack = client("cloudformation").describe_stacks(StackName="course-cluster")["Stacks"][0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs == {
        "Address": "127.0.0.1",
        "Port": os.environ["COURSE_REDSHIFT_PORT"],
        "Jdbc": "jdbc:redshift://127.0.0.1:" + os.environ["COURSE_REDSHIFT_PORT"] + "/dev",
    }
    assert ("admin", password, "dev") in local_aws.clusters


def test_change_set_stack_imports_exports_and_resolves_secrets(client, aws, tmp_path):
    secret = generate_password()
    client("secretsmanager").create_secret(Name="course/master", SecretString=json.dumps({"password": secret}))
    (tmp_path / "exporter.yaml").write_text(
        textwrap.dedent("""
        Resources:
          Param:
            Type: AWS::SSM::Parameter
            Properties: {Name: course-exported, Type: String, Value: shared-value}
        Outputs:
          Shared:
            Value: shared-value
            Export: {Name: course-shared}
    """)
    )
    (tmp_path / "importer.yaml").write_text(
        textwrap.dedent("""
        Resources:
          Param:
            Type: AWS::SSM::Parameter
            Properties:
              Name: course-imported
              Type: String
              Value: !Join ["-", [!ImportValue course-shared, "{{resolve:secretsmanager:course/master:SecretString:password}}"]]
        Outputs:
          Combined:
            Value: !Join ["-", [!ImportValue course-shared, "{{resolve:secretsmanager:course/master:SecretString:password}}"]]
    """)
    )
    aws(
        "cloudformation",
        "deploy",
        "--template-file",
        str(tmp_path / "exporter.yaml"),
        "--stack-name",
        "course-exporter",
    )
    aws(
        "cloudformation",
        "deploy",
        "--template-file",
        str(tmp_path / "importer.yaml"),
        "--stack-name",
        "course-importer",
    )
    stack = client("cloudformation").describe_stacks(StackName="course-importer")["Stacks"][0]
    assert stack["Outputs"][0]["OutputValue"] == f"shared-value-{secret}"


def test_resource_moto_cannot_update_survives_a_redeploy(client):
    cfn = client("cloudformation")

    def template(days):
        return json.dumps(
            {
                "Parameters": {"Days": {"Type": "Number"}},
                "Resources": {
                    "Group": {
                        "Type": "AWS::Logs::LogGroup",
                        "Properties": {"LogGroupName": "/aws/lambda/course-kept", "RetentionInDays": {"Ref": "Days"}},
                    }
                },
                "Outputs": {
                    "GroupName": {"Value": {"Ref": "Group"}},
                    "GroupArn": {"Value": {"Fn::GetAtt": ["Group", "Arn"]}},
                },
            }
        )

    for number, (kind, days) in enumerate([("CREATE", "7"), ("UPDATE", "14")]):
        cfn.create_change_set(
            StackName="course-log-group",
            ChangeSetName=f"c{number}",
            ChangeSetType=kind,
            TemplateBody=template(days),
            Parameters=[{"ParameterKey": "Days", "ParameterValue": days}],
        )
        cfn.execute_change_set(ChangeSetName=f"c{number}", StackName="course-log-group")
    outputs = {
        o["OutputKey"]: o["OutputValue"]
        for o in cfn.describe_stacks(StackName="course-log-group")["Stacks"][0]["Outputs"]
    }
    assert outputs["GroupName"] == "/aws/lambda/course-kept"
