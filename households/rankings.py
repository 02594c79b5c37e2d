"""National rankings (issue 15): a household's desil is dated data from a list — DTSEN (desil 1-10, re-ranked
about every three months), P3KE (1-4), DTKS — kept as history, never overwritten by a later list.

A ranking is a case row: writing one notes its household, and the household's latest desil (its `desil`,
`desil_source` and `desil_as_of` columns, the list with the latest "as of" date) is derived with its other summary
columns before the transaction commits (dashboard.derived) — whichever path wrote the ranking.
"""

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.casework import case_write
from audit.models import ChangeLog
from core.errors import DomainError
from households.models import DESIL_CHOICES, Household, Ranking, RankingSource

if TYPE_CHECKING:
    from accounts.models import User

# The desil each list can give (P3KE ranks the poorest 40 %: desil 1-4; DTSEN all ten).
DESIL_RANGE = {RankingSource.P3KE: range(1, 5)}
ALL_DESIL = range(1, 11)
CHUNK = 2000
DESIL_LABELS = dict(DESIL_CHOICES)


def desil_range(source: str) -> range:
    return DESIL_RANGE.get(source, ALL_DESIL)  # type: ignore[call-overload]


def refusal(source: str, desil: int) -> str | None:
    """Why a list of this kind cannot give this desil, or None."""
    allowed = desil_range(source)
    if desil in allowed:
        return None
    return _("Desil %(list)s harus %(low)d sampai %(high)d (tertulis %(desil)s).") % {
        "list": RankingSource(source).label,
        "low": allowed[0],
        "high": allowed[-1],
        "desil": desil,
    }


@case_write
def ranking_record(
    *,
    household: Household,
    source: str,
    as_of: datetime.date,
    desil: int,
    actor: "User | None",
    family_id: str = "",
    via: str = "web",
) -> Ranking:
    """Record the household's place in one list. The same list on the same date again corrects its desil."""
    if (message := refusal(source, desil)) is not None:
        raise DomainError(message)
    rankings_record_many([(household.pk, desil, family_id)], source=source, as_of=as_of, actor=actor, via=via)
    return Ranking.objects.get(household=household, source=source, as_of=as_of)


def rankings_record_many(
    rows: Iterable[tuple[int, int, str]],
    *,
    source: str,
    as_of: datetime.date,
    actor: "User | None",
    via: str,
) -> int:
    """Record (household id, desil, family id) rows of one list, in bulk, with their change log; for imports,
    inside their case scope. Rows whose ranking in this list on this date is already the same are left alone.
    Returns how many rankings were created or corrected."""
    recorded_by = actor if actor is not None and actor.is_authenticated else None
    content_type = ContentType.objects.get_for_model(Ranking)
    label = str(RankingSource(source).label)
    now = timezone.now()
    written = 0
    rows = list(rows)
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        stored = {
            ranking.household_id: ranking
            for ranking in Ranking.objects.filter(
                household_id__in=[pk for pk, _desil, _family in chunk], source=source, as_of=as_of
            )
        }
        new, changed, log = [], [], []
        for household_id, desil, family_id in chunk:
            ranking = stored.get(household_id)
            if ranking is None:
                new.append(
                    Ranking(
                        household_id=household_id,
                        source=source,
                        as_of=as_of,
                        desil=desil,
                        family_id=family_id[:40],
                        recorded_at=now,
                        recorded_by=recorded_by,
                        via=via[:100],
                    )
                )
            elif (ranking.desil, ranking.family_id) != (desil, family_id[:40]):
                changes = {}
                if ranking.desil != desil:
                    changes["desil"] = [_desil(ranking.desil), _desil(desil)]
                if ranking.family_id != family_id[:40]:
                    changes["family_id"] = [ranking.family_id, family_id[:40]]
                log.append((ranking, changes))
                ranking.desil, ranking.family_id, ranking.via = desil, family_id[:40], via[:100]
                ranking.recorded_at, ranking.recorded_by = now, recorded_by
                changed.append(ranking)
        created = Ranking.objects.bulk_create(new)
        if changed:
            Ranking.objects.bulk_update(changed, ["desil", "family_id", "via", "recorded_at", "recorded_by"])
        day = as_of.strftime("%d/%m/%Y")
        entries = [(ranking, ChangeLog.Action.CREATE, _created(ranking, label, day)) for ranking in created]
        entries += [(ranking, ChangeLog.Action.UPDATE, changes) for ranking, changes in log]
        title = str(_("Peringkat %(list)s per %(date)s") % {"list": label, "date": day})[:200]
        ChangeLog.objects.bulk_create(
            [
                ChangeLog(
                    actor=recorded_by,
                    action=action,
                    content_type=content_type,
                    object_id=ranking.pk,
                    object_repr=title,
                    case_id=ranking.household_id,
                    changes=changes,
                    source=via[:100],
                )
                for ranking, action, changes in entries
            ]
        )
        written += len(created) + len(changed)
    return written


def _desil(value: int) -> str:
    return DESIL_LABELS[value]  # as the change log shows a field with choices


def _created(ranking: Ranking, label: str, day: str) -> dict[str, list]:
    """A created ranking's change-log values, as `log_change` writes them for one made in the app."""
    changes: dict[str, list] = {"source": [None, label], "as_of": [None, day], "desil": [None, _desil(ranking.desil)]}
    if ranking.family_id:
        changes["family_id"] = [None, ranking.family_id]
    changes["via"] = [None, ranking.via]
    return changes
