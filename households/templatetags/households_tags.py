from django import template

from core import permissions
from households.models import Household

register = template.Library()


@register.simple_tag(takes_context=True)
def may_export_full_numbers(context) -> bool:
    """May the signed-in user export lists with full NIK / No. KK (supervisors)?"""
    return permissions.has_perm(context["request"].user, permissions.EXPORT_FULL, Household)
