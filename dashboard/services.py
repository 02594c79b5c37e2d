import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dashboard import derived
from dashboard.models import Baseline, BaselinePerson
from households.models import Person

CHUNK = 5000


@transaction.atomic
def baseline_take(*, label: str, actor: User | None = None, taken_at: datetime.datetime | None = None) -> Baseline:
    """Store who is extreme-poor now, and where, as the programme's starting point; the cohort tallies of
    their households follow (`dashboard.derived`)."""
    persons = Person.objects.extreme_poor().values_list("pk", "household_id", "household__kelurahan_id")
    baseline = Baseline.objects.create(
        label=label, persons=0, households=0, taken_by=actor, taken_at=taken_at or timezone.now()
    )
    total = 0
    households: set[int] = set()
    batch: list[BaselinePerson] = []
    for person_id, household_id, kelurahan_id in persons.iterator(chunk_size=CHUNK):
        batch.append(
            BaselinePerson(baseline=baseline, person_id=person_id, household_id=household_id, kelurahan_id=kelurahan_id)
        )
        households.add(household_id)
        total += 1
        if len(batch) >= CHUNK:
            BaselinePerson.objects.bulk_create(batch)
            batch = []
    BaselinePerson.objects.bulk_create(batch)
    baseline.persons, baseline.households = total, len(households)
    baseline.save(update_fields=["persons", "households"])
    derived.refresh(households)
    return baseline
