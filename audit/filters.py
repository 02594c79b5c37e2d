import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLog, ChangeLog
from core.filters import BIGINT_MAX, IntegerFilter, PeriodDateFilter, StrictFilterSet
from core.forms import DateInput


def _users():
    return get_user_model().objects.order_by("username")


def _content_types():
    """Every kind of data with a change in the log, read from the log itself: a model newly recorded (a
    referral, a graduation proposal) is offered without a list to keep up to date. Rows are never deleted,
    so a kind once offered stays offered. One index probe per content type (audit_changelog_object_idx)."""
    recorded = ChangeLog.objects.filter(content_type=OuterRef("pk"))
    return ContentType.objects.filter(Exists(recorded)).order_by("app_label", "model")


class _AuditFilter(StrictFilterSet):
    actor = django_filters.ModelChoiceFilter(label=_("Pengguna"), queryset=_users())
    case_id = IntegerFilter(label=_("No. rumah tangga"), min_value=1, max_value=BIGINT_MAX)
    date_from = PeriodDateFilter(label=_("Dari tanggal"), field_name="at", lookup_expr="date__gte", widget=DateInput())
    date_to = PeriodDateFilter(label=_("Sampai tanggal"), field_name="at", lookup_expr="date__lte", widget=DateInput())


class ChangeLogFilter(_AuditFilter):
    action = django_filters.ChoiceFilter(label=_("Aksi"), choices=ChangeLog.Action.choices)
    content_type = django_filters.ModelChoiceFilter(label=_("Jenis data"), queryset=_content_types())
    object_id = IntegerFilter(label=_("ID data"), min_value=1, max_value=BIGINT_MAX)
    source = django_filters.CharFilter(label=_("Sumber"), lookup_expr="istartswith", widget=forms.TextInput)

    class Meta:
        model = ChangeLog
        fields: list[str] = []


class AccessLogFilter(_AuditFilter):
    kind = django_filters.ChoiceFilter(label=_("Jenis akses"), choices=AccessLog.Kind.choices)

    class Meta:
        model = AccessLog
        fields: list[str] = []
