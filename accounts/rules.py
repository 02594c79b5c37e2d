"""Who may see and manage OPDs and accounts (registered in core.permissions)."""

from accounts.models import Opd, User
from core.permissions import CHANGE, VIEW, admin, any_role, register

register(Opd, {VIEW: any_role, CHANGE: admin})
register(User, {VIEW: admin, CHANGE: admin})
