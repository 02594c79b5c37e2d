"""Django admin for case records keeps the app's personal-data promise (README, "Personal data").

- Only superusers reach case records here (`permissions.may_open_case_admin`).
- Search words stay out of URLs, as in the registry (`core/search.py`): the search box POSTs, the
  words wait in the session and the list's URL carries a random key. A NIK / No. KK is not searched
  here at all: the registry does that, so a number never lands in an admin URL, log or result.
- Identity numbers are never shown: the forms (households/admin.py) start empty and keep the stored
  number, and the change log shows them masked.
"""

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.admin.views.main import ERROR_FLAG, ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import search
from core.forms import RupiahField
from core.identity import NUMBER_IN_TEXT
from core.permissions import may_open_case_admin

# Model fields holding Rupiah amounts that people type in Django admin.
RUPIAH_FIELDS = {"amount", "expenditure_per_capita"}

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin[Any]  # the mixin's methods call the ModelAdmin it is mixed into
else:
    _AdminBase = object


class EstimatedCountPaginator(Paginator):  # type: ignore[type-arg]
    """Django admin's paginator, except that an unfiltered list of a big PostgreSQL table takes its row count
    from the planner's statistics (kept by autovacuum) instead of counting a million rows on every page: the
    page numbers are then approximate, the rows shown are not. Small tables and filtered lists count exactly."""

    ESTIMATE_ABOVE = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > self.ESTIMATE_ABOVE:
                return int(row[0])
        return super().count


class IndexedSortChangeList(ChangeList):
    """A changelist that sorts only by the columns in `sortable_by` (Django hides the other headers' links but
    still sorts by any column named in `?o=`): at a million rows a sort without an index reads the table."""

    def get_ordering_field(self, field_name: Any) -> Any:
        return super().get_ordering_field(field_name) if field_name in (self.sortable_by or ()) else None

    def get_ordering(self, request: HttpRequest, queryset: QuerySet[Any]) -> list[Any]:
        """One column at a time: Django sorts by every column clicked in turn (`?o=5.-6`), an order no index
        serves (353 ms at 2M interventions); the headers then show the one sort that applies."""
        order = self.params.get(ORDER_VAR)
        if order and "." in order:
            self.params[ORDER_VAR] = order.split(".")[0]
        ordering = super().get_ordering(request, queryset)
        # Django breaks ties by "-pk" whatever the direction; the same direction as the sort lets an index on
        # (column, id) serve it, read forwards or backwards.
        if ordering and ordering[-1] == "-pk" and isinstance(ordering[0], str) and not ordering[0].startswith("-"):
            ordering[-1] = "pk"
        return ordering


class SessionSearchChangeList(IndexedSortChangeList):
    """A changelist whose search words come from the session (`?cari=<key>`), never from `?q=`."""

    def get_filters_params(self, params: dict[str, Any] | None = None) -> dict[str, Any]:
        params = super().get_filters_params(params)
        params.pop(search.PARAM, None)
        return params

    def get_queryset(self, request: HttpRequest, exclude_parameters: list[str | None] | None = None) -> QuerySet[Any]:
        self.query = search.recall(request, request.GET.get(search.PARAM))
        return super().get_queryset(request, exclude_parameters)

    @property
    def clear_search_query(self) -> str:
        return self.get_query_string(remove=[search.PARAM])


class CaseAdminMixin(_AdminBase):
    """Put first in a case model's admin bases: `class HouseholdAdmin(CaseAdminMixin, AuditedModelAdmin)`."""

    paginator = EstimatedCountPaginator

    change_list_template = "admin/case_change_list.html"
    search_help_text = gettext_lazy("NIK dan No. KK dicari di Registri aplikasi, tidak di sini.")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_open_case_admin(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return may_open_case_admin(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_open_case_admin(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return may_open_case_admin(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return may_open_case_admin(request.user) and super().has_delete_permission(request, obj)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return SessionSearchChangeList

    def formfield_for_dbfield(self, db_field: "Field[Any, Any]", request: HttpRequest, **kwargs: Any) -> Any:
        """Rupiah amounts read as people write them ("150.000" is 150000, as in the app's own forms)."""
        if db_field.name in RUPIAH_FIELDS:
            kwargs["form_class"] = RupiahField
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Also covers the autocomplete endpoint (`?term=`), which other forms may call.
        if NUMBER_IN_TEXT.search(search_term):
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if request.method == "POST" and SEARCH_VAR in request.POST:
            return self._search_redirect(request, request.POST[SEARCH_VAR])
        if SEARCH_VAR in request.GET:  # typed into the address bar: moved to the session at once
            return self._search_redirect(request, request.GET[SEARCH_VAR])
        return super().changelist_view(request, extra_context)

    def _search_redirect(self, request: HttpRequest, text: str) -> HttpResponse:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        query = request.GET.copy()
        for name in (PAGE_VAR, ERROR_FLAG, SEARCH_VAR, search.PARAM):
            query.pop(name, None)
        text = text.strip()
        if NUMBER_IN_TEXT.search(text):
            messages.warning(
                request,
                format_html(
                    _('NIK dan No. KK tidak dicari di Admin Django. Gunakan pencarian di <a href="{}">Registri</a>.'),
                    reverse("cases:registry"),
                ),
            )
        elif text:
            query[search.PARAM] = search.stash(request, text)
        return redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
