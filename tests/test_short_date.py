"""`short_date` writes what Django's `date` filter writes with the app's short formats, in both languages."""

import datetime
import zoneinfo

import pytest
from django.template import engines
from django.utils import translation

from core.templatetags.core_tags import _strftime_pattern

DJANGO_DATE = engines["django"].from_string('{{ value|date:"SHORT_DATE_FORMAT" }}')
OUR_DATE = engines["django"].from_string("{% load core_tags %}{{ value|short_date }}")
DJANGO_MOMENT = engines["django"].from_string('{{ value|date:"SHORT_DATETIME_FORMAT" }}')
OUR_MOMENT = engines["django"].from_string('{% load core_tags %}{{ value|short_date:"SHORT_DATETIME_FORMAT" }}')
JAKARTA_EVENING = datetime.datetime(2024, 3, 9, 18, 5, 7, tzinfo=datetime.UTC)  # 10/03/2024 01:05 in Jakarta
MOMENTS = [JAKARTA_EVENING, datetime.datetime(2024, 1, 2, 3, 4, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta")), None, ""]


@pytest.mark.parametrize(
    "value", [datetime.date(2024, 3, 1), datetime.date(1931, 12, 31), datetime.date(999, 1, 2), *MOMENTS]
)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_date_reads_as_the_date_filter_writes_it(value, language):
    with translation.override(language):
        assert OUR_DATE.render({"value": value}) == DJANGO_DATE.render({"value": value})


@pytest.mark.parametrize("value", MOMENTS)
@pytest.mark.parametrize("language", ["id", "en"])
def test_a_moment_reads_as_the_date_filter_writes_it(value, language):
    with translation.override(language):
        assert OUR_MOMENT.render({"value": value}) == DJANGO_MOMENT.render({"value": value})


def test_a_date_asked_for_its_time_is_refused_as_django_refuses_it():
    with pytest.raises(TypeError):
        OUR_MOMENT.render({"value": datetime.date(2024, 3, 1)})


def test_a_moment_is_shown_in_jakarta_time():
    assert OUR_DATE.render({"value": JAKARTA_EVENING}) == "10/03/2024"
    assert OUR_MOMENT.render({"value": JAKARTA_EVENING}) == "10/03/2024 01:05"


@pytest.mark.parametrize(
    ("django_format", "pattern"),
    [("d/m/Y", "%d/%m/%Y"), ("d/m/Y H:i", "%d/%m/%Y %H:%M"), ("j F Y", None), (r"\\d d", None), ("d%m", "%d%%%m")],
)
def test_only_formats_strftime_writes_alike_are_turned_into_strftime(django_format, pattern):
    assert _strftime_pattern(django_format) == pattern
