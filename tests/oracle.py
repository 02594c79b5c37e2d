"""An independent recount of the derived numbers from the raw rows.

Written as plain per-record loops, without reusing `dashboard.derived` or the tallies, so that the code
under test and this recount can check each other: a wrong definition there, a stale column, or a
dashboard or home page that reads the wrong source all show up as a difference here.
"""

import datetime
from collections import Counter

from django.db.models import Q
from django.utils import timezone

from coordination.models import Referral
from households.models import Household, HouseholdStatusChange, Person, Visit
from interventions.models import Intervention


def is_served(person: Person) -> bool:
    """Reached by a delivery: one of their own, or one given to their whole (current) household."""
    return (
        Intervention.objects.filter(status="delivered")
        .filter(Q(person=person) | Q(person__isnull=True, household_id=person.household_id))
        .exists()
    )


def summary(household: Household) -> dict:
    members = list(Person.objects.filter(household=household).order_by("id"))
    active = [m for m in members if m.status == "active"]
    heads = [m.full_name for m in active if m.relation == "kepala"]
    visits = list(Visit.objects.filter(household=household).order_by("-visited_on", "-id"))
    referrals = list(Referral.objects.filter(household=household))
    fell_back = [
        change.changed_at
        for change in HouseholdStatusChange.objects.filter(
            household=household, from_status="graduated", to_status="extreme_poor"
        )
    ]
    return {
        "head_name": heads[0] if heads else "",
        "member_count": len(active),
        "extreme_poor_count": sum(1 for m in active if m.is_extreme_poor),
        "served_count": sum(1 for m in active if m.is_extreme_poor and is_served(m)),
        "last_visit_on": visits[0].visited_on if visits else None,
        "next_follow_up_on": visits[0].next_follow_up_on if visits else None,
        "delivered_count": Intervention.objects.filter(household=household, status="delivered").count(),
        "referral_count": len(referrals),
        "unfulfilled_referrals": sum(1 for r in referrals if r.status != "fulfilled"),
        "fell_back_at": max(fell_back) if fell_back else None,
    }


def stored_summary(household: Household) -> dict:
    return {name: getattr(household, name) for name in summary(household)}


def city(today: datetime.date | None = None) -> dict:
    """Where the city stands: active (not archived) households only."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=30)
    active = list(Household.objects.filter(archived_at__isnull=True).select_related("kelurahan"))
    extreme = [h for h in active if h.status == "extreme_poor"]
    persons = [
        (h, m)
        for h in extreme
        for m in Person.objects.filter(household=h)
        if m.status == "active" and m.is_extreme_poor
    ]
    return {
        "ep_households": len(extreme),
        "ep_persons": len(persons),
        "served_persons": sum(1 for _h, m in persons if is_served(m)),
        "graduated": sum(1 for h in active if h.status == "graduated"),
        "visited": sum(1 for h in extreme if Visit.objects.filter(household=h, visited_on__gte=since).exists()),
        "in_priority_locus": sum(1 for h, _m in persons if h.kelurahan.is_priority_locus),
        "by_kelurahan": Counter(h.kelurahan.name for h, _m in persons),
        "households": len(active),
    }


def work(opd_id: int | None = None) -> dict:
    """Interventions of one OPD (or all), archived households included, as each OPD's counts keep them."""
    rows = Intervention.objects.all() if opd_id is None else Intervention.objects.filter(opd_id=opd_id)
    rows = list(rows)
    return {
        "planned": sum(1 for i in rows if i.status in ("planned", "in_progress")),
        "delivered": sum(1 for i in rows if i.status == "delivered"),
        "delivered_amount": sum(i.amount or 0 for i in rows if i.status == "delivered"),
    }


def differences() -> list[str]:
    """Every stored derived value that disagrees with this recount: empty when all is well."""
    found = []
    for household in Household.objects.all():
        expected, stored = summary(household), stored_summary(household)
        found += [
            f"household #{household.pk} {name}: stored {stored[name]!r}, rows say {value!r}"
            for name, value in expected.items()
            if stored[name] != value
        ]
    for person in Person.objects.all():
        if person.is_served != is_served(person):
            found.append(f"person #{person.pk} is_served: stored {person.is_served}, rows say {not person.is_served}")
    return found
