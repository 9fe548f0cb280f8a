"""Every resource that can carry tags carries course=aws-07-redshift (and a team's resources also
team=<team>), so one tag filter finds whatever a class left behind (docs/instructor-guide.md).

deploy.sh also tags both team stacks (CloudFormation copies stack tags onto the resources that
take them); the templates tag their resources themselves too, so a stack deployed by hand is found
as well. Which types take `Tags` comes from cfn-lint's resource schemas.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_mode_support import REPO
from cfn_model import load_template
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

TEMPLATES = sorted([*REPO.glob("handouts/*-stack.yml"), *REPO.glob("infra/*-stack.yml")])
COURSE_TAG = {"Key": "course", "Value": "aws-07-redshift"}


def takes_tags(resource_type: str) -> bool:
    if resource_type.startswith("Custom::"):
        return False
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("eu-west-1", resource_type).schema
    return "Tags" in schema.get("properties", {})


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_taggable_resource_is_tagged(template: Path):
    resources = load_template(template)["Resources"]
    team_stack = template.parent.name == "handouts"
    missing = []
    for logical, resource in resources.items():
        if not takes_tags(resource["Type"]):
            continue
        tags = resource.get("Properties", {}).get("Tags", [])
        keys = {tag["Key"]: tag["Value"] for tag in tags}
        if keys.get("course") != COURSE_TAG["Value"]:
            missing.append(f"{logical}: course")
        if team_stack and keys.get("team") != {"Ref": "TeamName"}:
            missing.append(f"{logical}: team")
    assert not missing, missing
