"""Who may read the change and access logs (registered in core.permissions). Nobody changes them."""

from audit.models import AccessLog, ChangeLog
from core.permissions import VIEW, oversight, register

register(ChangeLog, {VIEW: oversight})
register(AccessLog, {VIEW: oversight})
