"""The team's CloudFormation stacks: status, outputs, resources, the pipeline's names; may a deploy start now."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..settings import CourseSettings


@dataclass(frozen=True)
class PipelineNames:
    bucket: str
    function_name: str
    log_group: str


def stack_status(settings: CourseSettings, stack_name: str) -> str | None:
    """The stack's StackStatus, or None when no such stack exists."""
    cloudformation = settings.client("cloudformation")
    try:
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return stacks[0]["StackStatus"] if stacks else None


def stack_outputs(settings: CourseSettings, stack_name: str) -> dict[str, str]:
    stack = settings.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def stack_resources(settings: CourseSettings, stack_name: str) -> pd.DataFrame:
    """The stack's resources as a DataFrame, sorted by logical id (physical ids can be generated)."""
    paginator = settings.client("cloudformation").get_paginator("list_stack_resources")
    rows = [
        {
            "LogicalResourceId": summary["LogicalResourceId"],
            "ResourceType": summary["ResourceType"],
            "ResourceStatus": summary["ResourceStatus"],
        }
        for page in paginator.paginate(StackName=stack_name)
        for summary in page["StackResourceSummaries"]
    ]
    return pd.DataFrame(rows).sort_values("LogicalResourceId", ignore_index=True)


def pipeline_names(settings: CourseSettings) -> PipelineNames:
    """The raw-data bucket, the Lambda and its log group, from the ETL stack's outputs."""
    # Read from the stack's resources, as deploy.sh does: the same names as the Outputs, and there
    # even while a stack's Outputs are being refreshed (the local CloudFormation can drop some).
    paginator = settings.client("cloudformation").get_paginator("list_stack_resources")
    physical = {
        summary["LogicalResourceId"]: summary.get("PhysicalResourceId")
        for page in paginator.paginate(StackName=settings.etl_stack)
        for summary in page["StackResourceSummaries"]
    }
    outputs = stack_outputs(settings, settings.etl_stack)
    function_name = physical.get("EtlFunction") or outputs["EtlFunctionName"]
    # The template names the group /aws/lambda/<function>, which is also Lambda's own default.
    log_group = physical.get("EtlLogGroup") or outputs.get("EtlLogGroupName") or f"/aws/lambda/{function_name}"
    return PipelineNames(
        bucket=physical.get("RawDataBucket") or outputs["RawDataBucketName"],
        function_name=function_name,
        log_group=log_group,
    )


def can_deploy_now(status: str | None) -> bool:
    """Whether CloudFormation would accept a new deploy of a stack in this status.

    Any ``*_IN_PROGRESS`` status means another change is running: CloudFormation refuses the next
    one until it settles. ``ROLLBACK_COMPLETE`` (a failed first create) must be deleted first.
    """
    if status is None:
        return True
    return not status.endswith("_IN_PROGRESS") and status not in {
        "ROLLBACK_COMPLETE",
        "ROLLBACK_FAILED",
        "DELETE_FAILED",
    }
