"""CloudFormation stack behaviour that moto 5.2.5 gets wrong, put right.

* `!GetAtt Cluster.Endpoint.Address`: moto's YAML loader splits the name at EVERY dot, so the
  attribute becomes "Endpoint" and the lookup fails. AWS splits at the first dot only; so do we
  (also for `${Cluster.Endpoint.Port}` inside Fn::Sub).
* Dynamic references `{{resolve:ssm:...}}`, `{{resolve:ssm-secure:...}}` and
  `{{resolve:secretsmanager:...}}`: moto passes the text through literally. They are resolved
  from the local SSM / Secrets Manager, so a template can keep a password out of itself.
* Change sets (what `aws cloudformation deploy` uses): after ExecuteChangeSet moto keeps the
  Outputs and Exports of the template the stack was created with (for a new stack: none), so
  `describe-stacks` shows no outputs. They are rebuilt from the executed template, the stack
  remembers the executed parameters (so a no-change redeploy is recognised), and a new stack's
  Fn::ImportValue sees the region's exports.
* Deleting a stack whose resource cannot be deleted (a bucket that still holds objects, see
  `cloudformation_s3.py`): moto loses the stack's exports and raises a server error. AWS keeps the
  stack in DELETE_FAILED with a reason naming the resource; so do we.

* Updating a stack whose template still has a resource of a type moto cannot update (for
  example AWS::Logs::LogGroup): moto replaces the resource with None, so every Ref/GetAtt to it
  (and any Output using it) breaks after a redeploy. Here the existing resource is kept as it is
  (its changed properties are not applied locally).
* A no-change redeploy (`aws cloudformation deploy --no-fail-on-empty-changeset`): for a template
  with parameters, moto's CreateChangeSet raises "No updates are to be performed." (UpdateStack's
  answer), so the CLI fails. AWS creates a FAILED change set whose reason says "didn't contain
  changes", which the CLI treats as success; moto's backend already does that once the check in
  front of it is skipped.
* Whether a change set changes anything: moto compares the parameters exactly as sent with the
  ones the stack was created with. On a redeploy the CLI sends every parameter it does not
  override as UsePreviousValue (moto fills in the stored value, a Number as int), while the first
  deploy left those to their defaults, so the two never match and every redeploy updates the
  stack. AWS compares the effective values (given, previous or default, as text); so do we.
  And when only a parameter changes, moto updates just the resources that `Ref` it: one that uses
  it inside `!Sub "${Name}"` kept its old value. Those count as references here too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend, Event, Stack
from moto.cloudformation.responses import CloudFormationResponse

_moto_clean_json = parsing.clean_json
_moto_parse_and_update_resource = parsing.parse_and_update_resource
_moto_execute_change_set = CloudFormationBackend.execute_change_set
_moto_delete_stack = CloudFormationBackend.delete_stack
_moto_validate_different_update = CloudFormationResponse._validate_different_update
_moto_has_parameters = Stack.has_parameters
_moto_get_references_from_template = parsing.get_references_from_template
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}.]+)\}")
_DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]+)\}\}")


def clean_json(resource_json: Any, resources_map: Any) -> Any:
    if isinstance(resource_json, dict) and "Fn::GetAtt" in resource_json:
        target = resource_json["Fn::GetAtt"]
        if isinstance(target, str):
            target = target.split(".", 1)
        elif len(target) > 2 and all(isinstance(part, str) for part in target):
            target = [target[0], ".".join(target[1:])]
        resource_json = {**resource_json, "Fn::GetAtt": target}
    if isinstance(resource_json, str) and "{{resolve:" in resource_json:
        account_id, region = resources_map._account_id, resources_map._region_name
        return _DYNAMIC_REFERENCE.sub(lambda m: resolve_reference(m[1], m[2], account_id, region), resource_json)
    return _moto_clean_json(resource_json, resources_map)


def resolve_reference(service: str, reference: str, account_id: str, region: str) -> str:
    """`ssm:name[:version]`, `ssm-secure:name[:version]`, `secretsmanager:id[:SecretString[:json-key]]`."""
    if service in ("ssm", "ssm-secure"):
        from moto.ssm.models import ssm_backends

        name = reference.split(":")[0]
        parameter = ssm_backends[account_id][region].get_parameter(name)
        return parameter.decrypt(parameter.value)
    from moto.secretsmanager.models import secretsmanager_backends

    secret_id, _, rest = reference.partition(":SecretString")
    value = secretsmanager_backends[account_id][region].get_secret_value(secret_id, None, None)["SecretString"]
    json_key = rest.lstrip(":").split(":")[0]
    return str(json.loads(value)[json_key]) if json_key else value


def parse_and_update_resource(logical_id: str, resource_json: dict, resources_map: Any, **kwargs: Any) -> Any:
    updated = _moto_parse_and_update_resource(logical_id, resource_json, resources_map, **kwargs)
    if updated is None:  # moto has no update for this type: keep what exists rather than lose it
        return resources_map._parsed_resources.get(logical_id)
    return updated


def execute_change_set(self: CloudFormationBackend, change_set_name: str, stack_name: str | None = None) -> None:
    change_set = self.describe_change_set(change_set_name)
    stack = self.stacks[change_set.stack_id]
    stack.resource_map.cross_stack_resources = self.exports
    _moto_execute_change_set(self, change_set_name, stack_name)
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.parameters = change_set.parameters
    for export in stack.exports:
        self.exports.pop(export.name, None)
    stack.output_map = stack._create_output_map()
    for export in stack.exports:
        self.exports[export.name] = export


def get_references_from_template(template: Any) -> list[str]:
    """Names a resource's JSON refers to: moto's `Ref`s, plus the `${Name}` variables of Fn::Sub."""
    references = _moto_get_references_from_template(template)
    references.extend(_sub_variables(template))
    return references


def _sub_variables(node: Any) -> list[str]:
    if isinstance(node, list):
        return [name for item in node for name in _sub_variables(item)]
    if not isinstance(node, dict):
        return []
    names = []
    for key, value in node.items():
        if key == "Fn::Sub":
            text = value if isinstance(value, str) else value[0] if value and isinstance(value[0], str) else ""
            names.extend(m.strip() for m in _SUB_VARIABLE.findall(text))
        names.extend(_sub_variables(value))
    return names


def has_parameters(self: Stack, other_parameters: dict[str, Any]) -> bool:
    """Same effective parameter values? Called (by create_change_set) only once the template is
    known to be unchanged, so the stack's own template declares the parameters and defaults."""
    declared = (self.template_dict or {}).get("Parameters") or {}
    if not declared:
        return _moto_has_parameters(self, other_parameters)
    resolved = self.stack_parameters
    for name, slot in declared.items():
        default = slot.get("Default")
        before = _as_text(self.parameters.get(name, default))
        after = _as_text(other_parameters.get(name, default))
        # UsePreviousValue arrives as moto's resolved value (an SSM-typed parameter's value, not its name).
        if after != before and not (
            name in other_parameters
            and after == _as_text(resolved.get(name))
            and str(slot.get("Type", "")).startswith("AWS::SSM::Parameter::")
        ):
            return False
    return set(other_parameters) <= set(declared)


def _as_text(value: Any) -> str | None:
    """A parameter value the way CloudFormation holds it: text (YAML defaults may be int/bool/list)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_as_text(item) or "" for item in value)
    return str(value)


def delete_stack(self: CloudFormationBackend, name_or_stack_id: str) -> None:
    stack = next((s for s in self.stacks.values() if name_or_stack_id in (s.name, s.stack_id)), None)
    try:
        _moto_delete_stack(self, name_or_stack_id)
    except Exception as error:
        if stack is None:
            raise
        self.stacks[stack.stack_id] = stack
        self.deleted_stacks.pop(stack.stack_id, None)
        failed = _logical_ids_left(stack)
        _resource_event(stack, failed, str(getattr(error, "message", error)))
        stack.status = "DELETE_FAILED"
        stack.status_reason = f"The following resource(s) failed to delete: [{', '.join(failed)}]. "
        stack._add_stack_event("DELETE_FAILED", stack.status_reason)


def _logical_ids_left(stack: Any) -> list[str]:
    return sorted(
        logical_id
        for logical_id, resource in stack.resource_map._parsed_resources.items()
        if logical_id in stack.resource_map._resource_json_map and not isinstance(resource, str)
    )


def _resource_event(stack: Any, logical_ids: list[str], reason: str) -> None:
    for logical_id in logical_ids:
        resource = stack.resource_map._parsed_resources[logical_id]
        stack.events.append(
            Event(
                stack_id=stack.stack_id,
                stack_name=stack.name,
                logical_resource_id=logical_id,
                physical_resource_id=getattr(resource, "physical_resource_id", logical_id),
                resource_type=stack.resource_map._resource_json_map[logical_id]["Type"],
                resource_status="DELETE_FAILED",
                resource_status_reason=f'Resource handler returned message: "{reason}"',
                resource_properties=None,
            )
        )


def _validate_different_update(self: CloudFormationResponse, *args: Any) -> None:
    if self._get_action() != "CreateChangeSet":
        _moto_validate_different_update(self, *args)


def apply() -> None:
    parsing.clean_json = clean_json
    parsing.parse_and_update_resource = parse_and_update_resource
    CloudFormationBackend.execute_change_set = execute_change_set
    CloudFormationBackend.delete_stack = delete_stack
    Stack.has_parameters = has_parameters
    parsing.get_references_from_template = get_references_from_template
    CloudFormationResponse._validate_different_update = _validate_different_update
