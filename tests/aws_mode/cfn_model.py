"""Just enough of CloudFormation to read the course's templates as a deployed network would be.

`load_template` parses YAML with the short-form tags (!Ref, !Sub, ...). `Stack` evaluates one
template for given parameters and the exports of stacks deployed before it: Conditions, Fn::If,
Ref, Fn::Sub, Fn::ImportValue, Fn::Join, Fn::Select and Fn::GetAtt become plain values (a
resource's Ref is a token "<stack>/<LogicalId>"), and resources whose condition is false are
dropped. `Network` then answers reachability questions over every stack of a deployment: which
subnets route where, which security-group rules admit what, where the Lambda, the cluster or the
workgroup and the interface endpoints sit, and whether a flow from a source to a port on a
destination has a route and is admitted both ways. Network ACLs are not modelled: the templates
create none, so every subnet has the default one, which allows everything.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PSEUDO = {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
}
# A stand-in for the id of S3's AWS-managed prefix list in PSEUDO's region (com.amazonaws.eu-west-1.s3):
# the network stack is given it as S3PrefixListId, and the model knows it means S3's addresses.
S3_PREFIX_LIST = "pl-6da54004"
NO_VALUE = object()


class _Loader(yaml.SafeLoader):
    pass


def _construct(loader: yaml.Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else ("Condition" if suffix == "Condition" else f"Fn::{suffix}")
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "Fn::GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_Loader.add_multi_constructor("!", _construct)


def load_template(path: Path) -> dict[str, Any]:
    return yaml.load(Path(path).read_text(), Loader=_Loader)


class Stack:
    def __init__(
        self,
        name: str,
        template: dict[str, Any],
        parameters: dict[str, str] | None = None,
        exports: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.template = template
        self.exports_in = exports or {}
        given = parameters or {}
        self.parameters: dict[str, Any] = {}
        for key, spec in template.get("Parameters", {}).items():
            if key in given:
                self.parameters[key] = given[key]
            elif "Default" in spec:
                self.parameters[key] = spec["Default"]
            else:
                raise KeyError(f"{name}: parameter {key} has no value and no default")
        unknown = set(given) - set(template.get("Parameters", {}))
        if unknown:
            raise KeyError(f"{name}: unknown parameters {sorted(unknown)}")
        self._conditions: dict[str, bool] = {}
        self.resources: dict[str, dict[str, Any]] = {}
        for logical, resource in template.get("Resources", {}).items():
            if "Condition" in resource and not self.condition(resource["Condition"]):
                continue
            self.resources[logical] = {
                "Type": resource["Type"],
                "Properties": self.value(resource.get("Properties", {})),
            }
        self.outputs: dict[str, Any] = {}
        self.exports: dict[str, Any] = {}
        for key, output in template.get("Outputs", {}).items():
            if "Condition" in output and not self.condition(output["Condition"]):
                continue
            self.outputs[key] = self.value(output["Value"])
            if "Export" in output:
                self.exports[self.value(output["Export"]["Name"])] = self.outputs[key]

    # --- intrinsic functions ---------------------------------------------------------------------
    def token(self, logical: str) -> str:
        return f"{self.name}/{logical}"

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            self._conditions[name] = bool(self.value(self.template["Conditions"][name]))
        return self._conditions[name]

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name == "AWS::StackName":
            return self.name
        if name in PSEUDO:
            return PSEUDO[name]
        if name in self.template.get("Resources", {}):
            return self.token(name)
        raise KeyError(f"{self.name}: Ref to unknown {name}")

    def sub(self, text: str, variables: dict[str, Any] | None = None) -> str:
        variables = variables or {}

        def replace(match: re.Match) -> str:
            inner = match.group(1)
            if inner.startswith("!"):
                return "${" + inner[1:] + "}"
            if inner in variables:
                return str(variables[inner])
            if "." in inner and inner.split(".", 1)[0] in self.template.get("Resources", {}):
                logical, attribute = inner.split(".", 1)
                return f"{self.token(logical)}.{attribute}"
            return str(self.ref(inner))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [item for item in (self.value(item) for item in node) if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref":
                return self.ref(argument)
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::If":
                name, if_true, if_false = argument
                return self.value(if_true if self.condition(name) else if_false)
            if key == "Fn::Equals":
                left, right = (self.value(item) for item in argument)
                return str(left) == str(right)
            if key == "Fn::Not":
                return not self.value(argument[0])
            if key == "Fn::And":
                return all(self.value(item) for item in argument)
            if key == "Fn::Or":
                return any(self.value(item) for item in argument)
            if key == "Fn::Sub":
                if isinstance(argument, list):
                    text, variables = argument
                    return self.sub(text, {k: self.value(v) for k, v in variables.items()})
                return self.sub(argument)
            if key == "Fn::ImportValue":
                name = self.value(argument)
                if name not in self.exports_in:
                    raise KeyError(f"{self.name}: imports {name}, which no deployed stack exports")
                return self.exports_in[name]
            if key == "Fn::Join":
                separator, items = argument
                return separator.join(str(item) for item in self.value(items))
            if key == "Fn::Select":
                index, items = argument
                items = self.value(items)
                return items[int(index)] if isinstance(items, list) else f"{items}[{index}]"
            if key == "Fn::GetAZs":
                return ["az-a", "az-b", "az-c"]
            if key == "Fn::GetAtt":
                logical, attribute = argument if isinstance(argument, list) else argument.split(".", 1)
                return f"{self.token(logical)}.{attribute}"
        result = {}
        for key, item in node.items():
            item = self.value(item)
            if item is not NO_VALUE:
                result[key] = item
        return result

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {self.token(k): v["Properties"] for k, v in self.resources.items() if v["Type"] == resource_type}


def deploy(*stacks: tuple[str, Path | dict[str, Any], dict[str, str]]) -> list[Stack]:
    """Deploy templates (paths or parsed templates) in order, each seeing the exports of those before it."""
    exports: dict[str, Any] = {}
    deployed = []
    for name, template, parameters in stacks:
        stack = Stack(name, template if isinstance(template, dict) else load_template(template), parameters, exports)
        overlap = set(stack.exports) & set(exports)
        if overlap:
            raise ValueError(f"{name}: exports {sorted(overlap)} already exist")
        exports.update(stack.exports)
        deployed.append(stack)
    return deployed


# --- the network ------------------------------------------------------------------------------------
def as_bool(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


@dataclass
class Rule:
    protocol: str
    from_port: int
    to_port: int
    cidr: ipaddress.IPv4Network | None = None
    group: str | None = None
    prefix_list: str | None = None

    def admits(self, port: int, protocol: str = "tcp") -> bool:
        if self.protocol in ("-1", "all"):
            return True
        return self.protocol == protocol and self.from_port <= port <= self.to_port


@dataclass
class Placement:
    """Where something sends from or listens: in a VPC (subnets, security groups) or outside."""

    name: str
    vpc: str | None = None
    subnets: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    public: bool = False  # has a public address (publicly accessible Redshift)
    address: str | None = None  # a fixed public address (a laptop)
    port: int | None = None
    enhanced_vpc_routing: bool = False  # Redshift's own traffic (COPY) goes through its VPC


class Network:
    def __init__(self, stacks: list[Stack]) -> None:
        self.stacks = stacks
        self.vpcs: dict[str, dict[str, Any]] = {}
        self.subnets: dict[str, dict[str, Any]] = {}
        self.route_tables: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.interface_endpoints: list[dict[str, Any]] = []
        self.igws: dict[str, str] = {}  # internet gateway -> vpc
        for stack in stacks:
            self._read(stack)

    def _read(self, stack: Stack) -> None:
        for token, props in stack.of_type("AWS::EC2::VPC").items():
            self.vpcs[token] = {
                "cidr": ipaddress.ip_network(props["CidrBlock"]),
                "dns": as_bool(props.get("EnableDnsSupport", True)),
                "hostnames": as_bool(props.get("EnableDnsHostnames", False)),
            }
        for token, props in stack.of_type("AWS::EC2::Subnet").items():
            self.subnets[token] = {
                "vpc": props["VpcId"],
                "cidr": ipaddress.ip_network(props["CidrBlock"]),
                "route_table": None,
            }
        for token, props in stack.of_type("AWS::EC2::RouteTable").items():
            self.route_tables[token] = {"vpc": props["VpcId"], "routes": [], "s3_endpoint": False}
        for props in stack.of_type("AWS::EC2::SubnetRouteTableAssociation").values():
            self.subnets[props["SubnetId"]]["route_table"] = props["RouteTableId"]
        for props in stack.of_type("AWS::EC2::VPCGatewayAttachment").values():
            self.igws[props["InternetGatewayId"]] = props["VpcId"]
        for props in stack.of_type("AWS::EC2::Route").values():
            target = props.get("GatewayId") or props.get("NatGatewayId") or props.get("TransitGatewayId")
            self.route_tables[props["RouteTableId"]]["routes"].append(
                (ipaddress.ip_network(props["DestinationCidrBlock"]), target)
            )
        for props in stack.of_type("AWS::EC2::VPCEndpoint").values():
            service = props["ServiceName"].rsplit(".", 1)[-1]
            if props.get("VpcEndpointType", "Gateway") == "Gateway":
                if service == "s3":
                    for table in props.get("RouteTableIds", []):
                        self.route_tables[table]["s3_endpoint"] = True
            else:
                self.interface_endpoints.append(
                    {
                        "service": service,
                        "vpc": props["VpcId"],
                        "subnets": props.get("SubnetIds", []),
                        "groups": props.get("SecurityGroupIds", []),
                        "private_dns": as_bool(props.get("PrivateDnsEnabled", False)),
                    }
                )
        for token, props in stack.of_type("AWS::EC2::SecurityGroup").items():
            egress = props.get("SecurityGroupEgress")
            self.groups[token] = {
                "vpc": props.get("VpcId"),
                "ingress": [self._rule(rule) for rule in props.get("SecurityGroupIngress", [])],
                # No egress rules in the template: AWS's default rule allows everything out.
                "egress": (
                    [self._rule(rule) for rule in egress]
                    if egress is not None
                    else [Rule("-1", 0, 65535, ipaddress.ip_network("0.0.0.0/0"))]
                ),
            }
        for props in stack.of_type("AWS::EC2::SecurityGroupIngress").values():
            self.groups[props["GroupId"]]["ingress"].append(self._rule(props))
        for props in stack.of_type("AWS::EC2::SecurityGroupEgress").values():
            self.groups[props["GroupId"]]["egress"].append(self._rule(props))

    @staticmethod
    def _rule(props: dict[str, Any]) -> Rule:
        cidr = props.get("CidrIp")
        group = props.get("SourceSecurityGroupId") or props.get("DestinationSecurityGroupId")
        return Rule(
            str(props.get("IpProtocol")),
            int(props.get("FromPort", 0)),
            int(props.get("ToPort", 65535)),
            ipaddress.ip_network(cidr) if cidr else None,
            group,
            props.get("DestinationPrefixListId") or props.get("SourcePrefixListId"),
        )

    # --- what sits where ----------------------------------------------------------------------
    def lambdas(self) -> dict[str, Placement]:
        found = {}
        for stack in self.stacks:
            for token, props in stack.of_type("AWS::Lambda::Function").items():
                vpc_config = props.get("VpcConfig")
                if vpc_config:
                    subnets = vpc_config["SubnetIds"]
                    found[token] = Placement(
                        token, self.subnets[subnets[0]]["vpc"], subnets, vpc_config["SecurityGroupIds"]
                    )
                else:
                    found[token] = Placement(token)  # Lambda's own network: the internet, no SG
        return found

    def warehouses(self) -> dict[str, Placement]:
        """Provisioned clusters and serverless workgroups, where they listen."""
        found = {}
        for stack in self.stacks:
            subnet_groups = stack.of_type("AWS::Redshift::ClusterSubnetGroup")
            for token, props in stack.of_type("AWS::Redshift::Cluster").items():
                subnets = subnet_groups[props["ClusterSubnetGroupName"]]["SubnetIds"]
                found[token] = Placement(
                    token,
                    self.subnets[subnets[0]]["vpc"],
                    subnets,
                    props.get("VpcSecurityGroupIds", []),
                    public=as_bool(props.get("PubliclyAccessible", False)),
                    port=int(props.get("Port", 5439)),
                    enhanced_vpc_routing=as_bool(props.get("EnhancedVpcRouting", False)),
                )
            for token, props in stack.of_type("AWS::RedshiftServerless::Workgroup").items():
                subnets = props["SubnetIds"]
                found[token] = Placement(
                    token,
                    self.subnets[subnets[0]]["vpc"],
                    subnets,
                    props.get("SecurityGroupIds", []),
                    public=as_bool(props.get("PubliclyAccessible", False)),
                    port=int(props.get("Port", 5439)),
                    enhanced_vpc_routing=as_bool(props.get("EnhancedVpcRouting", False)),
                )
        return found

    # --- routing and admission ------------------------------------------------------------------
    def _cidrs(self, placement: Placement) -> list[ipaddress.IPv4Network]:
        if placement.address:
            return [ipaddress.ip_network(f"{placement.address}/32")]
        return [self.subnets[s]["cidr"] for s in placement.subnets]

    def _table(self, subnet: str) -> dict[str, Any]:
        table = self.subnets[subnet]["route_table"]
        # A subnet with no association uses the VPC's main route table: the local route only.
        return self.route_tables[table] if table else {"routes": [], "s3_endpoint": False}

    def _has_internet_route(self, subnet: str) -> bool:
        vpc = self.subnets[subnet]["vpc"]
        return any(
            destination.prefixlen == 0 and self.igws.get(target) == vpc
            for destination, target in self._table(subnet)["routes"]
        )

    def _egress_admits(
        self,
        placement: Placement,
        port: int,
        destination: list[ipaddress.IPv4Network],
        destination_groups: list[str],
        prefix_list: str | None = None,
    ) -> bool:
        """Whether a rule lets ``port`` out to the destination's addresses, groups or prefix list."""
        if placement.vpc is None:
            return True  # outside any VPC nothing filters what leaves
        for group in placement.groups:
            for rule in self.groups[group]["egress"]:
                if not rule.admits(port):
                    continue
                if rule.group and rule.group in destination_groups:
                    return True
                if rule.cidr and all(net.subnet_of(rule.cidr) for net in destination):
                    return True
                if rule.prefix_list and rule.prefix_list == prefix_list:
                    return True
        return False

    def _ingress_admits(self, groups: list[str], port: int, source: Placement) -> bool:
        source_cidrs = self._cidrs(source)
        for group in groups:
            for rule in self.groups[group]["ingress"]:
                if not rule.admits(port):
                    continue
                if rule.group and rule.group in source.groups:
                    return True
                if rule.cidr and source_cidrs and all(net.subnet_of(rule.cidr) for net in source_cidrs):
                    return True
        return False

    def reaches(self, source: Placement, destination: Placement, port: int | None = None) -> tuple[bool, str]:
        """Whether `source` can open a TCP connection to `destination` on `port`, and why not."""
        port = port or destination.port
        if source.vpc and source.vpc == destination.vpc:
            # Inside one VPC the local route always applies. A publicly accessible endpoint's name
            # resolves to its private address inside the VPC only with DNS support and hostnames.
            vpc = self.vpcs[source.vpc]
            if destination.public and not (vpc["dns"] and vpc["hostnames"]):
                return False, "its endpoint would resolve to the public address, and the VPC has no way out"
            if not self._egress_admits(source, port, self._cidrs(destination), destination.groups):
                return False, "the source's security groups do not let it out"
            if not self._ingress_admits(destination.groups, port, source):
                return False, "the destination's security groups do not admit it"
            return True, "inside the VPC"
        # From outside the destination's VPC: only to a public address, over the internet.
        if not destination.public:
            return False, "the destination has no public address"
        if not all(self._has_internet_route(subnet) for subnet in destination.subnets):
            return False, "the destination's subnets have no route to an internet gateway"
        if source.vpc is not None:
            if not all(self._has_internet_route(s) for s in source.subnets):
                return False, "the source's subnets have no way to the internet"
            if not self._egress_admits(source, port, [ipaddress.ip_network("0.0.0.0/0")], []):
                return False, "the source's security groups do not let it out"
        if not self._ingress_admits(destination.groups, port, source):
            return False, "the destination's security groups do not admit the source's address"
        return True, "over the internet"

    def reaches_aws_service(self, source: Placement, service: str) -> tuple[bool, str]:
        """HTTPS (443) from `source` to an AWS service's regional endpoint (S3, SSM, ...).

        For a cluster or workgroup this is the path of its own traffic (COPY from S3) only with
        enhanced VPC routing on (``Placement.enhanced_vpc_routing``, which callers check); without
        it Redshift reaches S3 its own way, which nothing in the templates controls.
        """
        if source.vpc is None:
            return True, "from outside any VPC, over the internet"
        everywhere = [ipaddress.ip_network("0.0.0.0/0")]
        s3_addresses = S3_PREFIX_LIST if service == "s3" else None
        for subnet in source.subnets:
            table = self._table(subnet)
            if service == "s3" and table["s3_endpoint"]:
                # The gateway endpoint adds a route to S3's prefix list; the SG must let 443 out to it.
                if not self._egress_admits(source, 443, everywhere, [], s3_addresses):
                    return False, "the security groups do not let 443 out to S3's prefix list"
                continue
            if source.public and self._has_internet_route(subnet):
                # A public address and a route to the internet gateway: S3's public addresses (the
                # same prefix list) are reachable that way, if the SG lets 443 out to them.
                if not self._egress_admits(source, 443, everywhere, [], s3_addresses):
                    return False, f"the security groups do not let 443 out to {service}"
                continue
            endpoints = [
                e
                for e in self.interface_endpoints
                if e["service"] == service and e["vpc"] == source.vpc and e["private_dns"]
            ]
            if endpoints:
                endpoint = endpoints[0]
                cidrs = [self.subnets[s]["cidr"] for s in endpoint["subnets"]]
                if not self._egress_admits(source, 443, cidrs, endpoint["groups"]):
                    return False, f"the security groups do not let 443 out to the {service} endpoint"
                if not self._ingress_admits(endpoint["groups"], 443, source):
                    return False, f"the {service} endpoint's security group does not admit the source"
                continue
            if any(
                destination.prefixlen == 0 and str(target).endswith("Nat") for destination, target in table["routes"]
            ):
                continue
            return False, f"subnet {subnet} has no route to {service} (no endpoint, no NAT)"
        return True, "through the VPC's endpoints"
