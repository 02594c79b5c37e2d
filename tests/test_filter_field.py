"""A list's filter field, written by `filter_field`, tells what is wrong where a screen reader and a phone find it,
and sends back what the user chose (the registry and intervention lists render their filters with it)."""

from html.parser import HTMLParser

import pytest
from django.test import RequestFactory

from cases.filters import HouseholdFilter
from core.templatetags.core_tags import filter_field
from interventions.filters import InterventionFilter
from tests.factories import kelurahan

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def first(self, tag: str, **wanted) -> dict:
        return next(attrs for name, attrs in self.tags if name == tag and wanted.items() <= attrs.items())


def bound(filterset, data, user):
    request = RequestFactory().get("/", data)
    request.user = user
    return filterset(data, request=request).form


def test_a_refused_value_is_marked_invalid_and_its_message_is_tied_to_the_control(cast):
    form = bound(InterventionFilter, {"planned_from": "2024-13-45"}, cast["supervisor"])
    assert not form.is_valid()
    page = Elements(filter_field(form["planned_from"]))
    control = page.first("input", name="planned_from")
    assert control["aria-invalid"] == "true" and "is-invalid" in control["class"]
    error_id = control["aria-describedby"]
    assert page.first("div", id=error_id)["class"] == "invalid-feedback"
    assert any("tanggal" in text.lower() for text in page.text)
    assert control["value"] == "2024-13-45"  # what was typed stays
    assert page.first("label", **{"for": control["id"]})


def test_a_chosen_kelurahan_stays_selected_with_every_option_shown(cast):
    place = kelurahan("Kameloh Baru")
    form = bound(HouseholdFilter, {"kelurahan": str(place.pk)}, cast["supervisor"])
    form.is_valid()
    page = Elements(filter_field(form["kelurahan"]))
    options = [attrs for tag, attrs in page.tags if tag == "option"]
    assert len(options) == form.fields["kelurahan"].queryset.count() + 1  # and the empty choice
    assert [o["value"] for o in options if "selected" in o] == [str(place.pk)]
    assert "form-select" in page.first("select", name="kelurahan")["class"]
    assert "aria-invalid" not in page.first("select", name="kelurahan")


def test_statuses_shown_as_tick_boxes_keep_what_was_ticked(cast):
    form = bound(HouseholdFilter, {"status": ["extreme_poor", "graduated"]}, cast["supervisor"])
    assert form.is_valid()
    page = Elements(filter_field(form["status"]))
    ticked = [attrs["value"] for tag, attrs in page.tags if tag == "input" and "checked" in attrs]
    assert ticked == ["extreme_poor", "graduated"]
    for tag, attrs in page.tags:
        if tag == "input":
            assert page.first("label", **{"for": attrs["id"]})
