"""Who manages API tokens, and who may take a caseload offline (registered in / built on core.permissions)."""

from typing import Any

from api.models import ApiToken
from core.permissions import ADD, CHANGE, VIEW, admin, casework, register

register(ApiToken, {VIEW: admin, ADD: admin, CHANGE: admin})


def may_take_offline(user: Any) -> bool:
    """Caseworkers and supervisors carry households to the field; admins manage accounts and do no casework."""
    return casework(user)
