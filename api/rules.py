"""Who manages API tokens (registered in core.permissions)."""

from api.models import ApiToken
from core.permissions import ADD, CHANGE, VIEW, admin, register

register(ApiToken, {VIEW: admin, ADD: admin, CHANGE: admin})
