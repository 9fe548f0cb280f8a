"""A recording stand-in for the AWS CLI, for running handouts/deploy.sh in aws mode with no AWS.

The `fake_aws` fixture (conftest.py) writes an `aws` executable that calls `main()` and puts it
first on PATH. Every invocation is appended to FAKE_AWS_LOG as one JSON line (argv, the AWS_*
environment it saw, the exit code), and each call deploy.sh makes is answered from the state in
FAKE_AWS_STATE (a JSON file the test prepares and this script updates, like an account would):

    {"account": "123456789012",
     "stacks": {"<name>": {"StackStatus": "...", "Outputs": [...]}},
     "unreserved_concurrency": 1000, "function_concurrency": {"<function>": 10},
     "fail_deploy": ["<stack>"], "stack_events": {"<stack>": [...]}}

`--query` and `--output text` are applied the way the real CLI applies them (jmespath, then the
text formatter's tab/newline layout), so deploy.sh's parsing is exercised too. `cloudformation
package` really zips the template's `Code` folder with the real CLI's own zip function and keeps
the zip in FAKE_AWS_ARTIFACTS, so a test can look inside what would have been uploaded. A call
this stand-in does not know exits 252 and is logged as unexpected.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import jmespath

SECRET_VARIABLES = {"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"}


class AwsError(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def load_state() -> dict[str, Any]:
    return json.loads(Path(os.environ["FAKE_AWS_STATE"]).read_text())


def save_state(state: dict[str, Any]) -> None:
    Path(os.environ["FAKE_AWS_STATE"]).write_text(json.dumps(state, indent=1))


def record(argv: list[str], code: int, note: str = "") -> None:
    env = {
        name: ("<set>" if name in SECRET_VARIABLES else value)
        for name, value in os.environ.items()
        if name.startswith("AWS_")
    }
    line = {"argv": argv, "env": env, "code": code, "note": note}
    with open(os.environ["FAKE_AWS_LOG"], "a") as log:
        log.write(json.dumps(line) + "\n")


def parse(argv: list[str]) -> tuple[dict[str, str], list[str], dict[str, list[str]]]:
    """(global options, [service, operation, ...positionals], operation options)."""
    global_names = {"--profile", "--region", "--output", "--query", "--endpoint-url"}
    flags = {"--no-fail-on-empty-changeset", "--debug", "--no-paginate"}
    globals_: dict[str, str] = {}
    positionals: list[str] = []
    options: dict[str, list[str]] = {}
    index = 0
    while index < len(argv):
        word = argv[index]
        if word in global_names:
            globals_[word] = argv[index + 1]
            index += 2
        elif word in flags:
            options[word] = []
            index += 1
        elif word.startswith("--"):
            values = []
            index += 1
            while index < len(argv) and not argv[index].startswith("--"):
                values.append(argv[index])
                index += 1
            options[word] = values
        else:
            positionals.append(word)
            index += 1
    return globals_, positionals, options


def text_output(value: Any) -> str:
    """The AWS CLI's text format for what --query leaves: scalars as they are, None as 'None',
    a list of scalars on one tab-separated line, a list of lists one line each."""
    if value is None:
        return "None"
    if isinstance(value, list):
        if value and all(isinstance(item, list) for item in value):
            return "\n".join("\t".join(text_output(cell) for cell in row) for row in value)
        return "\t".join(text_output(item) for item in value)
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def one(options: dict[str, list[str]], name: str) -> str:
    values = options.get(name)
    if not values:
        raise AwsError(252, f"the following arguments are required: {name}")
    return values[0]


def not_found(stack: str, operation: str) -> AwsError:
    return AwsError(
        254,
        f"An error occurred (ValidationError) when calling the {operation} operation: "
        f"Stack with id {stack} does not exist",
    )


def physical_id(state: dict[str, Any], stack: str, logical: str) -> str:
    team = stack.split("-shopper-")[0]
    names = {
        "DeploymentBucket": f"{stack}-deploymentbucket-0a1b2c3d4e5f".lower()[:63],
        "RawDataBucket": f"{team}-raw-data-{state['account']}",
        "EtlFunction": f"{team}-shopper-etl",
    }
    if logical not in names:
        raise AwsError(254, f"Resource {logical} does not exist for stack {stack}")
    return names[logical]


def package(options: dict[str, list[str]]) -> None:
    """Zip the template's Code folder as the real CLI does and write the packaged template."""
    import yaml
    from awscli.customizations.cloudformation.artifact_exporter import make_zip

    template_path = Path(one(options, "--template-file"))
    bucket = one(options, "--s3-bucket")
    prefix = one(options, "--s3-prefix")

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: {f"Fn::{suffix}": None})
    template = yaml.load(template_path.read_text(), Loader=Loader)
    function = template["Resources"]["EtlFunction"]["Properties"]
    code_dir = (template_path.parent / function["Code"]).resolve()
    artifacts = Path(os.environ["FAKE_AWS_ARTIFACTS"])
    artifacts.mkdir(parents=True, exist_ok=True)
    zipped = Path(make_zip(str(artifacts / "lambda"), str(code_dir)))
    key = f"{prefix}/{zipped.name}"
    shutil.copy(zipped, artifacts / "uploaded.zip")
    packaged = template_path.read_text().replace(
        f"Code: {function['Code']}", f"Code:\n        S3Bucket: {bucket}\n        S3Key: {key}"
    )
    Path(one(options, "--output-template-file")).write_text(packaged)


def answer(state: dict[str, Any], positionals: list[str], options: dict[str, list[str]]) -> Any:
    service, operation = (positionals + ["", ""])[:2]
    stacks: dict[str, dict[str, Any]] = state.setdefault("stacks", {})

    if (service, operation) == ("sts", "get-caller-identity"):
        return {
            "UserId": "AIDAFAKE",
            "Account": state["account"],
            "Arn": f"arn:aws:iam::{state['account']}:user/instructor",
        }

    if service == "cloudformation":
        stack = (options.get("--stack-name") or [""])[0]
        if operation == "describe-stacks":
            if stack not in stacks:
                raise not_found(stack, "DescribeStacks")
            return {"Stacks": [{"StackName": stack, "Outputs": [], **stacks[stack]}]}
        if operation == "deploy":
            if stack in stacks and stacks[stack]["StackStatus"] in ("ROLLBACK_COMPLETE", "ROLLBACK_FAILED"):
                raise AwsError(
                    255,
                    f"An error occurred (ValidationError) when calling the CreateChangeSet "
                    f"operation: Stack:{stack} is in {stacks[stack]['StackStatus']} state "
                    "and can not be updated.",
                )
            if stack in state.get("fail_deploy", []):
                stacks[stack] = {
                    "StackStatus": "ROLLBACK_COMPLETE" if stack not in stacks else "UPDATE_ROLLBACK_COMPLETE"
                }
                raise AwsError(
                    255,
                    f"Failed to create/update the stack. Run the following command\n"
                    f"to fetch the list of events leading up to the failure\n"
                    f"aws cloudformation describe-stack-events --stack-name {stack}",
                )
            created = stack not in stacks
            stacks[stack] = {
                "StackStatus": "CREATE_COMPLETE" if created else "UPDATE_COMPLETE",
                "Outputs": [{"OutputKey": "Deployed", "OutputValue": "yes"}],
            }
            print(
                f"\nWaiting for changeset to be created..\nWaiting for stack create/update to complete\n"
                f"Successfully created/updated stack - {stack}"
            )
            return None
        if operation == "describe-stack-resource":
            if stack not in stacks:
                raise not_found(stack, "DescribeStackResource")
            logical = one(options, "--logical-resource-id")
            return {
                "StackResourceDetail": {
                    "StackName": stack,
                    "LogicalResourceId": logical,
                    "PhysicalResourceId": physical_id(state, stack, logical),
                }
            }
        if operation == "describe-stack-events":
            return {"StackEvents": state.get("stack_events", {}).get(stack, [])}
        if operation == "delete-stack":
            stacks.pop(stack, None)
            return None
        if operation == "wait" and positionals[2:3] == ["stack-delete-complete"]:
            return None
        if operation == "package":
            package(options)
            return None

    if service == "lambda":
        if operation == "get-account-settings":
            unreserved = state.get("unreserved_concurrency", 1000)
            return {
                "AccountLimit": {"ConcurrentExecutions": unreserved, "UnreservedConcurrentExecutions": unreserved},
                "AccountUsage": {"FunctionCount": 0},
            }
        if operation == "get-function-concurrency":
            name = one(options, "--function-name")
            held = state.get("function_concurrency", {}).get(name)
            return {} if held is None else {"ReservedConcurrentExecutions": held}

    raise AwsError(252, f"fake aws: unexpected call {' '.join(positionals)}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    globals_, positionals, options = parse(argv)
    state = load_state()
    try:
        result = answer(state, positionals, options)
    except AwsError as error:
        save_state(state)
        print(f"\n{error}", file=sys.stderr)
        record(argv, error.code, "unexpected" if "unexpected call" in str(error) else "")
        return error.code
    save_state(state)
    if result is not None:
        if "--query" in globals_:
            result = jmespath.search(globals_["--query"], result)
        if globals_.get("--output") == "text":
            print(text_output(result))
        else:
            print(json.dumps(result, indent=4))
    record(argv, 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
