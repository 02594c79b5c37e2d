"""The dates case records may carry: one definition for the models (so forms, imports and Django admin refuse
alike), the date inputs' min/max and the list filters.

Forms are sent with `novalidate`, so a browser's min/max are only hints for its date picker: these validators
decide. Something that already happened (a visit, an assessment, a delivery, an expenditure measurement) is not
in the future and not before the programme's records begin; a plan (a planned intervention, a follow-up, a
referral deadline) is within two years from today. Birth dates have their own, wider range.
"""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The programme's records begin after this (DTKS, then P3KE in 2022): an earlier date is a typing slip.
EARLIEST = datetime.date(2015, 1, 1)
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
PLANNING_YEARS = 2


def latest_planned() -> datetime.date:
    """The furthest a plan may reach: the same day two years from today (28 February for a 29th)."""
    today = timezone.localdate()
    leap_day = (today.month, today.day) == (2, 29)
    return today.replace(year=today.year + PLANNING_YEARS, day=28 if leap_day else today.day)


def _shown(day: datetime.date) -> str:
    return date_format(day, "SHORT_DATE_FORMAT")


def _too_early(value: datetime.date, earliest: datetime.date) -> ValidationError:
    return ValidationError(
        _("Tanggal %(date)s terlalu lama; isi tanggal sejak %(earliest)s (periksa tahunnya)."),
        code="too_early",
        params={"date": _shown(value), "earliest": _shown(earliest)},
    )


def validate_happened(value: datetime.date | None) -> None:
    """A day something happened: from 01/01/2015 to today."""
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(
            _("Tanggal ini tidak boleh di masa depan; isi tanggal hari ini atau sebelumnya."), code="future"
        )
    if value < EARLIEST:
        raise _too_early(value, EARLIEST)


def validate_planned(value: datetime.date | None) -> None:
    """A day something is planned or due: from 01/01/2015 to two years from today."""
    if value is None:
        return
    if value > latest_planned():
        raise ValidationError(
            _("Tanggal %(date)s terlalu jauh ke depan; isi paling lambat %(latest)s (periksa tahunnya)."),
            code="too_late",
            params={"date": _shown(value), "latest": _shown(latest_planned())},
        )
    if value < EARLIEST:
        raise _too_early(value, EARLIEST)


def validate_birth_date(value: datetime.date | None) -> None:
    if value is None:
        return
    if value > timezone.localdate():
        raise ValidationError(_("Tanggal lahir tidak boleh di masa depan."), code="future")
    if value < EARLIEST_BIRTH:
        raise ValidationError(_("Tanggal lahir sebelum tahun 1900 tidak mungkin; periksa tahunnya."), code="too_early")


Validator = Callable[[Any], None]
DateFormField = TypeVar("DateFormField", bound=forms.Field)


def refusal(validator: Validator, value: Any) -> ValidationError | None:
    """The error `validator` raises for `value`, or None."""
    try:
        validator(value)
    except ValidationError as error:
        return error
    return None


def _bounded(
    field: DateFormField, validator: Validator, earliest: datetime.date, latest: datetime.date, check: bool = True
) -> DateFormField:
    if check and validator not in field.validators:
        field.validators.append(validator)
    field.widget.attrs.update(min=earliest.isoformat(), max=latest.isoformat())
    return field


def happened(field: DateFormField, *, check: bool = True) -> DateFormField:
    """A form's date field for a day something happened: the validator (unless the form checks only when the
    date is used: `check=False`), and the picker's min/max."""
    return _bounded(field, validate_happened, EARLIEST, timezone.localdate(), check)


def planned(field: DateFormField) -> DateFormField:
    """A form's date field for a day something is planned or due."""
    return _bounded(field, validate_planned, EARLIEST, latest_planned())


def born(field: DateFormField) -> DateFormField:
    """A form's birth-date field."""
    return _bounded(field, validate_birth_date, EARLIEST_BIRTH, timezone.localdate())
