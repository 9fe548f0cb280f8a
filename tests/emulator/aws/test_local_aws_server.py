"""The server itself: a taken port gets a clear error; importing the package changes nothing."""

import json
import socket
import subprocess
import sys

import pytest

from local_cloud.aws.server import PortInUseError, start_local_aws
from redshift_course.provisioning import generate_password


def test_port_in_use_names_the_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUseError, match=f"Port {port} .* already in use"):
            start_local_aws("127.0.0.1", port)


def test_importing_is_side_effect_free():
    code = (
        "import moto.awslambda.models as m, moto.cloudformation.parsing as p\n"
        "before = (m.LambdaFunction.invoke, p.clean_json)\n"
        "import local_cloud.aws, local_cloud.aws.server\n"
        "assert (m.LambdaFunction.invoke, p.clean_json) == before\n"
        "import threading; assert threading.active_count() == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_command_line_help():
    done = subprocess.run(
        [sys.executable, "-m", "local_cloud.aws.server", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "--port" in done.stdout


def test_basic_services_through_boto3(client, helpers):
    s3 = client("s3")
    s3.create_bucket(Bucket="basic-bucket", CreateBucketConfiguration={"LocationConstraint": helpers.region})
    s3.put_object(Bucket="basic-bucket", Key="a b.txt", Body=b"hello")
    assert s3.get_object(Bucket="basic-bucket", Key="a b.txt")["Body"].read() == b"hello"

    ssm = client("ssm")
    secret_json = json.dumps({"password": generate_password()})
    ssm.put_parameter(Name="basic_secret", Value=secret_json, Type="SecureString", Overwrite=True)
    parameter = ssm.get_parameter(Name="basic_secret", WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString" and parameter["Value"] == secret_json
    assert ssm.get_parameter(Name="basic_secret")["Parameter"]["Value"] != secret_json

    arn = helpers.make_role(client, "basic-role")
    assert arn.endswith(":role/basic-role")


def test_basic_services_through_the_cli(aws, tmp_path):
    aws("s3", "mb", "s3://cli-basic-bucket")
    (tmp_path / "f.csv").write_text("a,b\n1,2\n")
    aws("s3", "cp", str(tmp_path / "f.csv"), "s3://cli-basic-bucket/in/f.csv")
    assert "in/f.csv" in aws("s3", "ls", "--recursive", "s3://cli-basic-bucket").stdout
    secret = generate_password()
    aws("ssm", "put-parameter", "--name", "cli_secret", "--type", "SecureString", "--value", secret, "--overwrite")
    value = aws(
        "ssm",
        "get-parameter",
        "--name",
        "cli_secret",
        "--with-decryption",
        "--query",
        "Parameter.Value",
        "--output",
        "text",
    ).stdout.strip()
    assert value == secret
    assert (
        "cli-role"
        in aws(
            "iam",
            "create-role",
            "--role-name",
            "cli-role",
            "--assume-role-policy-document",
            '{"Version":"2012-10-17","Statement":[]}',
        ).stdout
    )
