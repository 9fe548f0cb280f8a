"""Every consumer of Redshift has a network path in each supported design (docs/aws-network.md).

The templates are evaluated as CloudFormation would deploy them (cfn_model.py): the network
stack in each design, the provisioned cluster or the serverless workgroup on top, and a team's
ETL stack with the very parameters deploy.sh passes (taken from a run of deploy.sh against the
stand-in aws). Then each flow is checked: routes, security-group egress and ingress, subnets,
public accessibility, endpoints.
"""

from __future__ import annotations

import pytest
from aws_mode_support import HANDOUTS, REPO, FakeAws, make_fake_aws
from cfn_model import S3_PREFIX_LIST, Network, Placement, deploy, load_template
from fake_aws_cli import parse

INFRA = REPO / "infra"
NETWORK = "redshift-course-network"
CLASSROOM = "203.0.113.0/24"
LAPTOP_IN_CLASS = "203.0.113.57"
LAPTOP_ELSEWHERE = "198.51.100.7"
DESIGNS = {
    "classroom": {"ClassroomCidr": CLASSROOM, "S3PrefixListId": S3_PREFIX_LIST},
    "private": {"S3PrefixListId": S3_PREFIX_LIST},
}
WAREHOUSES = {
    "provisioned": ("redshift-course-cluster", INFRA / "redshift-cluster-stack.yml"),
    "serverless": ("redshift-course-serverless", INFRA / "redshift-serverless-stack.yml"),
}
TEAM = "la-vida-mocha"


@pytest.fixture(scope="module")
def etl_parameters(tmp_path_factory) -> dict[str, str]:
    """What deploy.sh passes to the ETL stack in aws mode."""
    fake: FakeAws = make_fake_aws(tmp_path_factory.mktemp("deploy"))
    result = fake.deploy("sot-academy", TEAM)
    assert result.returncode == 0, result.stderr
    for call in fake.calls():
        _, positionals, options = parse(call["argv"])
        if positionals[:2] == ["cloudformation", "deploy"] and options["--stack-name"] == [
            f"{TEAM}-shopper-etl-pipeline"
        ]:
            return dict(item.split("=", 1) for item in options["--parameter-overrides"])
    raise AssertionError("deploy.sh never deployed the ETL stack")


def build(design: str, warehouse: str, etl: dict[str, str], network_template=None) -> Network:
    name, template = WAREHOUSES[warehouse]
    stacks = deploy(
        (NETWORK, network_template or INFRA / "network-stack.yml", DESIGNS[design]),
        (name, template, {"NetworkStackName": NETWORK}),
        (f"{TEAM}-shopper-etl-pipeline", HANDOUTS / "etl-stack.yml", etl),
    )
    return Network(stacks)


def only(mapping: dict) -> Placement:
    assert len(mapping) == 1, mapping
    return next(iter(mapping.values()))


def laptop(address: str) -> Placement:
    return Placement(f"laptop {address}", address=address)


CASES = [(d, w) for d in DESIGNS for w in WAREHOUSES]


@pytest.mark.parametrize("design, warehouse", CASES)
def test_the_lambda_reaches_redshift_on_5439(etl_parameters, design, warehouse):
    network = build(design, warehouse, etl_parameters)
    function = network.lambdas()[f"{TEAM}-shopper-etl-pipeline/EtlFunction"]
    ok, why = network.reaches(function, only(network.warehouses()), 5439)
    assert ok, why


@pytest.mark.parametrize("design, warehouse", CASES)
@pytest.mark.parametrize("service", ["s3", "ssm"])
def test_the_lambda_reaches_s3_and_parameter_store(etl_parameters, design, warehouse, service):
    network = build(design, warehouse, etl_parameters)
    function = network.lambdas()[f"{TEAM}-shopper-etl-pipeline/EtlFunction"]
    ok, why = network.reaches_aws_service(function, service)
    assert ok, why


@pytest.mark.parametrize("design, warehouse", CASES)
def test_redshift_reaches_s3_privately_for_copy(etl_parameters, design, warehouse):
    """COPY from the staged files: enhanced VPC routing, the gateway endpoint on the Redshift
    subnets' route table, and the security group's egress to S3's prefix list, and nothing else out."""
    network = build(design, warehouse, etl_parameters)
    redshift = only(network.warehouses())
    assert redshift.enhanced_vpc_routing
    for subnet in redshift.subnets:
        assert network._table(subnet)["s3_endpoint"], subnet
    ok, why = network.reaches_aws_service(redshift, "s3")
    assert ok, why
    (group,) = redshift.groups
    (rule,) = network.groups[group]["egress"]
    assert (rule.protocol, rule.from_port, rule.to_port, rule.prefix_list, rule.cidr) == (
        "tcp",
        443,
        443,
        S3_PREFIX_LIST,
        None,
    )


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_in_the_private_design_s3_is_reached_only_through_the_gateway_endpoint(etl_parameters, warehouse):
    template = load_template(INFRA / "network-stack.yml")
    del template["Resources"]["S3GatewayEndpoint"]
    network = build("private", warehouse, etl_parameters, network_template=template)
    ok, why = network.reaches_aws_service(only(network.warehouses()), "s3")
    assert not ok and "no route" in why


@pytest.mark.parametrize("warehouse", WAREHOUSES)
@pytest.mark.parametrize("who", ["instructor laptop (provisioning)", "learner notebook"])
def test_laptops_in_the_classroom_reach_redshift_directly(etl_parameters, warehouse, who):
    network = build("classroom", warehouse, etl_parameters)
    ok, why = network.reaches(laptop(LAPTOP_IN_CLASS), only(network.warehouses()), 5439)
    assert ok, f"{who}: {why}"


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_a_laptop_outside_the_classroom_cidr_is_not_admitted(etl_parameters, warehouse):
    network = build("classroom", warehouse, etl_parameters)
    ok, why = network.reaches(laptop(LAPTOP_ELSEWHERE), only(network.warehouses()), 5439)
    assert not ok and "do not admit" in why


@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_the_private_design_has_no_path_from_outside(etl_parameters, warehouse):
    network = build("private", warehouse, etl_parameters)
    ok, why = network.reaches(laptop(LAPTOP_IN_CLASS), only(network.warehouses()), 5439)
    assert not ok and "no public address" in why


@pytest.mark.parametrize("design, warehouse", CASES)
def test_provisioning_always_has_the_data_api_and_a_managed_secret(design, warehouse):
    """The Data API needs no network path, only the admin secret Redshift manages itself."""
    name, template = WAREHOUSES[warehouse]
    network_stack, warehouse_stack = deploy(
        (NETWORK, INFRA / "network-stack.yml", DESIGNS[design]), (name, template, {"NetworkStackName": NETWORK})
    )
    if warehouse == "provisioned":
        (cluster,) = warehouse_stack.of_type("AWS::Redshift::Cluster").values()
        assert cluster["ManageMasterPassword"] is True and "MasterUserPassword" not in cluster
        assert "MasterPasswordSecretArn" in warehouse_stack.outputs
    else:
        (namespace,) = warehouse_stack.of_type("AWS::RedshiftServerless::Namespace").values()
        assert namespace["ManageAdminPassword"] is True and "AdminUserPassword" not in namespace


@pytest.mark.parametrize("design, warehouse", CASES)
def test_tls_is_required(design, warehouse):
    name, template = WAREHOUSES[warehouse]
    _, warehouse_stack = deploy(
        (NETWORK, INFRA / "network-stack.yml", DESIGNS[design]), (name, template, {"NetworkStackName": NETWORK})
    )
    if warehouse == "provisioned":
        (group,) = warehouse_stack.of_type("AWS::Redshift::ClusterParameterGroup").values()
        settings = {p["ParameterName"]: p["ParameterValue"] for p in group["Parameters"]}
    else:
        (workgroup,) = warehouse_stack.of_type("AWS::RedshiftServerless::Workgroup").values()
        settings = {p["ParameterKey"]: p["ParameterValue"] for p in workgroup["ConfigParameters"]}
    assert settings["require_ssl"] == "true"


def test_the_classroom_cidr_refuses_the_whole_internet():
    spec = load_template(INFRA / "network-stack.yml")["Parameters"]["ClassroomCidr"]
    import re

    pattern = re.compile(spec["AllowedPattern"])
    assert pattern.match(CLASSROOM) and pattern.match("") and pattern.match("198.51.100.7/32")
    for refused in ("0.0.0.0/0", "10.0.0.0/1", "203.0.113.0/7", "203.0.113.0", "300.1.1.1/24"):
        assert not pattern.match(refused), refused


# --- the defects this design fixes, as the model sees them ------------------------------------------
@pytest.mark.parametrize("warehouse", WAREHOUSES)
def test_a_lambda_outside_the_vpc_would_not_reach_redshift(etl_parameters, warehouse):
    """Defect 2: deployed without the network stack, every upload timed out."""
    outside = {**etl_parameters, "NetworkStackName": ""}
    for design in DESIGNS:
        network = build(design, warehouse, outside)
        function = network.lambdas()[f"{TEAM}-shopper-etl-pipeline/EtlFunction"]
        assert function.vpc is None
        ok, _ = network.reaches(function, only(network.warehouses()), 5439)
        assert not ok, design


def test_the_lambda_placement_follows_the_network_stack(etl_parameters):
    network = build("classroom", "provisioned", etl_parameters)
    function = network.lambdas()[f"{TEAM}-shopper-etl-pipeline/EtlFunction"]
    assert sorted(function.subnets) == [f"{NETWORK}/PrivateSubnet{i}" for i in (1, 2, 3)]
    assert function.groups == [f"{NETWORK}/LambdaSecurityGroup"]
    cluster = only(network.warehouses())
    assert cluster.public and sorted(cluster.subnets) == [f"{NETWORK}/PublicSubnet{i}" for i in (1, 2, 3)]
    private = only(build("private", "provisioned", etl_parameters).warehouses())
    assert not private.public and sorted(private.subnets) == [f"{NETWORK}/PrivateSubnet{i}" for i in (1, 2, 3)]


# --- the model itself notices a broken network (each mutation breaks exactly one flow) -------------
# (In this classroom design a public cluster without the gateway endpoint would still reach S3 over
# the internet gateway, so "no S3 gateway endpoint" breaks only the Lambda's flow here; the private
# design's test above shows the endpoint is the only way there.)
def _drop(*path):
    def mutate(template):
        node = template
        for key in path[:-1]:
            node = node[key]
        node.pop(path[-1]) if isinstance(node, dict) else node.pop(path[-1])

    return mutate


MUTATIONS = {
    "Redshift admits no Lambda": (
        _drop("Resources", "RedshiftSecurityGroup", "Properties", "SecurityGroupIngress"),
        "lambda-redshift",
    ),
    "Lambda may not send to 5439": (
        _drop("Resources", "LambdaSecurityGroup", "Properties", "SecurityGroupEgress", 1),
        "lambda-redshift",
    ),
    "no DNS hostnames": (
        lambda t: t["Resources"]["Vpc"]["Properties"].update(EnableDnsHostnames=False),
        "lambda-redshift",
    ),
    "no S3 gateway endpoint": (_drop("Resources", "S3GatewayEndpoint"), "lambda-s3"),
    "no SSM interface endpoint": (_drop("Resources", "SsmInterfaceEndpoint"), "lambda-ssm"),
    "no route to the internet gateway": (_drop("Resources", "PublicDefaultRoute"), "laptop-redshift"),
    "no classroom ingress": (_drop("Resources", "RedshiftClassroomIngress"), "laptop-redshift"),
    "Redshift's egress names another prefix list": (
        lambda t: t["Resources"]["RedshiftSecurityGroup"]["Properties"]["SecurityGroupEgress"][0].update(
            DestinationPrefixListId="pl-0123456789abcdef0"
        ),
        "redshift-s3",
    ),
    "Redshift may send only to 5439": (
        lambda t: t["Resources"]["RedshiftSecurityGroup"]["Properties"]["SecurityGroupEgress"][0].update(
            FromPort=5439, ToPort=5439
        ),
        "redshift-s3",
    ),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_model_notices_a_broken_network(etl_parameters, mutation):
    mutate, broken = MUTATIONS[mutation]
    template = load_template(INFRA / "network-stack.yml")
    mutate(template)
    network = build("classroom", "provisioned", etl_parameters, network_template=template)
    function = network.lambdas()[f"{TEAM}-shopper-etl-pipeline/EtlFunction"]
    warehouse = only(network.warehouses())
    flows = {
        "lambda-redshift": network.reaches(function, warehouse, 5439)[0],
        "lambda-s3": network.reaches_aws_service(function, "s3")[0],
        "lambda-ssm": network.reaches_aws_service(function, "ssm")[0],
        "laptop-redshift": network.reaches(laptop(LAPTOP_IN_CLASS), warehouse, 5439)[0],
        "redshift-s3": network.reaches_aws_service(warehouse, "s3")[0],
    }
    assert {name for name, ok in flows.items() if not ok} == {broken}


def test_only_orderable_node_types_are_offered():
    """DC2 nodes can no longer be ordered for new clusters: RA3 only (or the serverless stack)."""
    spec = load_template(INFRA / "redshift-cluster-stack.yml")["Parameters"]["NodeType"]
    assert spec["AllowedValues"] and all(node.startswith("ra3.") for node in spec["AllowedValues"])
    assert spec["Default"] == "ra3.large"
    serverless = load_template(INFRA / "redshift-serverless-stack.yml")["Parameters"]
    assert {"BaseCapacity", "MaxCapacity", "UsageLimitRpuHours", "UsageLimitPeriod", "UsageLimitBreachAction"} <= set(
        serverless
    )
