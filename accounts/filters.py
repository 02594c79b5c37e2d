import django_filters
from django.utils.translation import gettext_lazy as _

from accounts.models import Opd, Role, User
from core.filters import StrictFilterSet


class UserFilter(StrictFilterSet):
    opd = django_filters.ModelChoiceFilter(label=_("OPD"), queryset=Opd.objects.all())
    role = django_filters.ChoiceFilter(label=_("Peran"), choices=Role.choices)

    class Meta:
        model = User
        fields: list[str] = []
