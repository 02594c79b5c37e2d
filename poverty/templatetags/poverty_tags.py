from django import template

from households.nik import mask
from poverty import permissions

register = template.Library()


@register.filter
def rupiah(value) -> str:
    """1250000 -> 'Rp 1.250.000'; empty values give an em dash."""
    if value is None or value == "":
        return "—"
    amount = int(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp {abs(amount):,}".replace(",", ".")


@register.filter
def masked(value: str) -> str:
    """NIK / No. KK with the middle eight digits hidden."""
    return mask(value or "")


@register.simple_tag(takes_context=True)
def can(context, action: str, target) -> bool:
    """`{% can "change" household as may_edit %}`: the permission module, from a template."""
    return permissions.has_perm(context["request"].user, action, target)


@register.filter
def percent(part, whole) -> str:
    if not whole:
        return "—"
    return f"{round(100 * (part or 0) / whole)}%"
