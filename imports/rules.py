"""Who may see and run imports and the reconciliation of their lists (registered in core.permissions).

Imports are for Dinsos supervisors and the admins who run the system; so is computing and reading a list's
reconciliation (derived from what the imports wrote). Deciding on its rows is casework: supervisors only."""

from core.permissions import ADD, CHANGE, VIEW, oversight, register, supervisor
from imports.models import ImportBatch, Reconciliation

register(ImportBatch, {VIEW: oversight, ADD: oversight})
register(Reconciliation, {VIEW: oversight, ADD: oversight, CHANGE: supervisor})
