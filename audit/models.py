from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import ChoiceLabels


class ChangeLogQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "ChangeLogQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def for_case(self, household_id: int) -> "ChangeLogQuerySet":
        return self.filter(case_id=household_id)


class ChangeLog(ChoiceLabels):
    """One change to case or reference data: who, when, what (old -> new), and from where.

    Rows are only ever inserted; nothing in the app updates or deletes them.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("dibuat")
        UPDATE = "update", _("diubah")
        DELETE = "delete", _("dihapus")

    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("oleh"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("aksi"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(_("id data"))
    object_repr = models.CharField(_("data"), max_length=200)
    # The household (case) the change belongs to, so a case file shows its whole history in one query.
    case_id = models.PositiveBigIntegerField(_("id rumah tangga"), null=True, blank=True)
    changes = models.JSONField(_("perubahan"), default=dict, blank=True)
    note = models.TextField(_("catatan/alasan"), blank=True)
    source = models.CharField(_("sumber"), max_length=100, default="web")

    objects = ChangeLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("riwayat perubahan")
        verbose_name_plural = _("riwayat perubahan")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=["create", "update", "delete"]), name="audit_changelog_action_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="audit_changelog_object_idx"),
            models.Index(fields=["case_id", "at"], name="audit_changelog_case_idx"),
            models.Index(fields=["actor", "at"], name="audit_changelog_actor_idx"),
            models.Index(fields=["at"], name="audit_changelog_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"


class AccessLog(models.Model):
    """A look at or export of personal data: who, whose, when, from where. Only ever inserted."""

    class Kind(models.TextChoices):
        REVEAL = "reveal", _("lihat nomor lengkap")
        EXPORT = "export", _("ekspor")

    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oleh"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    # What was seen: a person's NIK or a household's No. KK; empty for an export of a list.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(_("id data"), null=True, blank=True)
    object_repr = models.CharField(_("data"), max_length=200, blank=True)
    case_id = models.PositiveBigIntegerField(_("id rumah tangga"), null=True, blank=True)
    field = models.CharField(_("kolom"), max_length=30, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    user_agent = models.CharField(_("peramban"), max_length=200, blank=True)
    detail = models.JSONField(_("rincian"), default=dict, blank=True)

    class Meta:
        verbose_name = _("akses data pribadi")
        verbose_name_plural = _("akses data pribadi")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["reveal", "export"]), name="audit_accesslog_kind_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["at"], name="audit_accesslog_at_idx"),
            models.Index(fields=["actor", "at"], name="audit_accesslog_actor_idx"),
            models.Index(fields=["case_id", "at"], name="audit_accesslog_case_idx"),
            models.Index(fields=["content_type", "object_id"], name="audit_accesslog_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_repr}"
