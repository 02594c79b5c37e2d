import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from dashboard import derived, quarterly
from dashboard.models import Baseline, BaselinePerson, QuarterlyReport
from dashboard.quarterly import Quarter, Step
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


def quarterly_report(*, quarter: Quarter, actor: User | None = None, step: Step | None = None) -> QuarterlyReport:
    """The quarter's report: the stored one if it is final, else made now (and stored; final once the quarter
    has ended, so that the same quarter gives the same numbers later)."""
    stored = QuarterlyReport.objects.filter(year=quarter.year, quarter=quarter.number).first()
    if stored is not None and stored.final:
        return stored
    data = quarterly.compute(quarter, step)
    final = quarter.end <= timezone.now()
    report, _created = QuarterlyReport.objects.update_or_create(
        year=quarter.year,
        quarter=quarter.number,
        defaults={"data": data, "final": final, "generated_at": timezone.now(), "generated_by": actor},
    )
    return report
