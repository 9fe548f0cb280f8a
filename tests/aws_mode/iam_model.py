"""Just enough of IAM's policy evaluation for the course's roles: Allow statements, wildcards in
actions and resources, and the two condition operators the templates use (StringEquals,
StringLike). A key a condition names but the request lacks fails the condition, as in IAM."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any


def _listed(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _condition_holds(operator: str, tests: dict[str, Any], context: dict[str, str]) -> bool:
    for key, expected in tests.items():
        value = context.get(key)
        if value is None:
            return False
        if operator == "StringEquals":
            ok = value in _listed(expected)
        elif operator == "StringLike":
            ok = any(fnmatchcase(value, pattern) for pattern in _listed(expected))
        else:
            raise NotImplementedError(f"condition operator {operator}")
        if not ok:
            return False
    return True


def statement_allows(statement: dict, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    if statement["Effect"] != "Allow":
        return False
    if not any(fnmatchcase(action, pattern) for pattern in _listed(statement["Action"])):
        return False
    if not any(fnmatchcase(resource, pattern) for pattern in _listed(statement["Resource"])):
        return False
    return all(
        _condition_holds(operator, tests, context or {}) for operator, tests in statement.get("Condition", {}).items()
    )


def role_allows(role: dict, action: str, resource: str, context: dict[str, str] | None = None) -> bool:
    """Whether any inline policy of a role (its evaluated Properties) allows the request."""
    return any(
        statement_allows(statement, action, resource, context)
        for policy in role.get("Policies", [])
        for statement in policy["PolicyDocument"]["Statement"]
    )
