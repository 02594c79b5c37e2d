"""Optimistic locking: an edit names the version of the record it was made from, and is refused when
someone else saved in between, with who changed what, so nothing is silently overwritten."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import ChangeLog
from core.errors import StaleEditError
from core.identity import mask_numbers_in


def claim_version(model: type[models.Model], pk: int, expected_version: int | None) -> None:
    """Claim the edit: bump the version only if it is still `expected_version`; else refuse."""
    rows = model._default_manager.filter(pk=pk, version=expected_version)  # `objects`, their only manager
    updated = rows.update(version=F("version") + 1)
    if not updated:
        current = model._base_manager.filter(pk=pk).values_list("version", flat=True).first()
        summary = stale_summary(model, pk)
        raise StaleEditError(stale_message(model, pk, summary), current_version=current, summary=summary)


def stale_summary(model: type[models.Model], pk: int) -> str:
    """Who changed the record since it was read, when, and what (the first sentence of the refusal)."""
    latest = (
        ChangeLog.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    message = _("Data ini sudah diubah oleh pengguna lain sejak Anda membukanya.")
    if latest is not None:
        changed = mask_numbers_in(  # who reads a refusal has not asked to see anyone's NIK or No. KK
            ", ".join(
                f"{_label(model, name)}: {new if new not in (None, '') else '—'}"
                for name, (_old, new) in list(latest.changes.items())[:6]
            )
        )
        message = _("Data ini sudah diubah oleh %(who)s pada %(when)s sejak Anda membukanya%(what)s.") % {
            "who": latest.actor or _("sistem"),
            "when": timezone.localtime(latest.at).strftime("%d/%m/%Y %H:%M"),
            "what": f" ({changed})" if changed else "",
        }
    return str(message)


def stale_message(model: type[models.Model], pk: int, summary: str | None = None) -> str:
    """The refusal a form shows: who changed what, and that the form now holds the latest data."""
    return "%s %s" % (  # noqa: UP031 - two translated sentences
        summary if summary is not None else stale_summary(model, pk),
        _(
            "Perubahan Anda belum disimpan. Formulir di bawah kini memuat data terbaru ditambah perubahan Anda; "
            "periksa, lalu tekan Simpan lagi."
        ),
    )


def _label(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except Exception:  # noqa: BLE001 - a field renamed since the change was logged
        return name
    return str(field.verbose_name) if isinstance(field, models.Field) else name
