"""Who may see and run imports (registered in core.permissions)."""

from core.permissions import ADD, VIEW, oversight, register
from imports.models import ImportBatch

register(ImportBatch, {VIEW: oversight, ADD: oversight})
