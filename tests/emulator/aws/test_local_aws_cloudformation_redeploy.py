"""A redeploy with the same template and the same effective parameters changes nothing (as on AWS).

On a redeploy the CLI sends every parameter it does not override as UsePreviousValue, while the
first deploy left those to their defaults: the sent parameters differ, the effective values do not.
"""

import textwrap

import pytest

STACK = "course-test-redeploy-parameters"

TEMPLATE = textwrap.dedent(
    """\
    Parameters:
      TeamName:
        Type: String
      RetentionDays:
        Type: Number
        Default: 14
      MemoryMB:
        Type: Number
        Default: 512
      Flavour:
        Type: String
        Default: mocha
      NetworkStackName:
        Type: String
        Default: ""
    Conditions:
      UseVpc: !Not [!Equals [!Ref NetworkStackName, ""]]
    Resources:
      Settings:
        Type: AWS::SSM::Parameter
        Properties:
          Name: !Sub "/course-test/${TeamName}/settings"
          Type: String
          Value: !Sub "${Flavour}:${MemoryMB}:${RetentionDays}"
    Outputs:
      SettingsValue:
        Value: !GetAtt Settings.Value
      Network:
        Value: !If [UseVpc, !Ref NetworkStackName, "none"]
    """
)


@pytest.fixture(scope="module")
def template_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("redeploy") / "template.yaml"
    path.write_text(TEMPLATE)
    return path


def deploy(aws, template_file, *overrides):
    return aws(
        "cloudformation",
        "deploy",
        "--template-file",
        str(template_file),
        "--stack-name",
        STACK,
        "--no-fail-on-empty-changeset",
        "--parameter-overrides",
        "TeamName=la-vida-mocha",
        "NetworkStackName=",
        *overrides,
        check=False,
    )


def updates(client) -> int:
    events = client("cloudformation").describe_stack_events(StackName=STACK)["StackEvents"]
    return sum(e["ResourceStatus"] == "UPDATE_COMPLETE" and e["LogicalResourceId"] == STACK for e in events)


def settings_value(client) -> str:
    return client("ssm").get_parameter(Name="/course-test/la-vida-mocha/settings")["Parameter"]["Value"]


def test_redeploy_with_defaults_overrides_and_an_empty_value_changes_nothing(aws, client, template_file):
    first = deploy(aws, template_file, "MemoryMB=1024")
    assert first.returncode == 0, first.stdout + first.stderr
    assert settings_value(client) == "mocha:1024:14"

    second = deploy(aws, template_file, "MemoryMB=1024")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "No changes to deploy" in second.stdout
    assert updates(client) == 0

    # An override that only restates a default is no change either.
    third = deploy(aws, template_file, "MemoryMB=1024", "RetentionDays=14", "Flavour=mocha")
    assert third.returncode == 0 and "No changes to deploy" in third.stdout, third.stdout + third.stderr


def test_a_real_parameter_change_still_updates_and_is_then_remembered(aws, client, template_file):
    changed = deploy(aws, template_file, "MemoryMB=1024", "Flavour=latte")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert "No changes to deploy" not in changed.stdout
    assert settings_value(client) == "latte:1024:14"

    # Flavour is not overridden now: the CLI sends UsePreviousValue, which keeps "latte".
    again = deploy(aws, template_file, "MemoryMB=1024")
    assert again.returncode == 0 and "No changes to deploy" in again.stdout, again.stdout + again.stderr
    assert settings_value(client) == "latte:1024:14"


def test_a_template_change_with_the_same_parameters_still_updates(aws, client, template_file, tmp_path):
    changed = tmp_path / "template.yaml"
    changed.write_text(TEMPLATE.replace('"${Flavour}:${MemoryMB}:${RetentionDays}"', '"${Flavour}/${MemoryMB}"'))
    done = deploy(aws, changed, "MemoryMB=1024")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No changes to deploy" not in done.stdout
    assert settings_value(client) == "latte/1024"
