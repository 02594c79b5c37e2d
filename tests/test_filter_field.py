"""A list's filter field, written by `filter_field`, tells what is wrong where a screen reader and a phone find it,
and sends back what the user chose (the registry and intervention lists render their filters with it)."""

from html.parser import HTMLParser

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test import RequestFactory

from cases.filters import HouseholdFilter
from coordination.filters import ReferralFilter
from core.templatetags.core_tags import filter_field
from interventions.filters import InterventionFilter
from tests.factories import kelurahan
from tests.outline import Outline

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


class Choices(forms.Form):
    place = forms.ChoiceField(
        label="Tempat", required=False, choices=[("", "Semua"), ("1", "Kameloh <Baru>"), (2, "Dua")]
    )
    grouped = forms.ChoiceField(label="Dikelompokkan", choices=[("Sabangau", [("1", "Kameloh Baru"), ("2", "Danau")])])
    ticks = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=[("a", "Satu"), ("b", "Dua & tiga")],
        widget=forms.CheckboxSelectMultiple,
    )
    picked = forms.ChoiceField(label="Pilihan", choices=[("x", "Iks"), ("y", "Ye")], widget=forms.RadioSelect)
    grouped_ticks = forms.MultipleChoiceField(
        label="Kelompok",
        required=False,
        choices=[("Sabangau", [("1", "Kameloh Baru"), ("2", "Danau")]), ("3", "Lain")],
        widget=forms.CheckboxSelectMultiple,
    )


CHOSEN = {"place": "1", "grouped": "2", "ticks": ["b"], "picked": "y", "grouped_ticks": ["2", "3"]}


@pytest.mark.parametrize("data", [None, CHOSEN])
@pytest.mark.parametrize("name", ["ticks", "picked", "grouped_ticks"])
def test_tick_boxes_are_written_as_crispy_writes_them(name, data):
    form = Choices(data)
    form.is_valid()
    assert Outline(filter_field(form[name])).items == Outline(as_crispy_field(form[name])).items


def test_tick_boxes_with_an_error_still_show_it_through_crispy():
    form = Choices({"picked": "z"})
    assert not form.is_valid()
    written = filter_field(form["picked"])
    assert written == as_crispy_field(form["picked"])
    assert "invalid-feedback" in written


@pytest.mark.parametrize("data", [None, {"place": "1"}, {"place": "2"}, {"place": "9"}])
def test_a_select_carries_the_options_and_choice_django_would_write(data):
    form = Choices(data)
    form.is_valid()
    written = Outline(filter_field(form["place"])).items
    opening = next(n for n, item in enumerate(written) if isinstance(item, tuple) and item[0] == "select")
    attrs = {"class": "form-select"}
    if form["place"].errors:
        attrs = {"class": "form-select is-invalid", "aria-invalid": "true", "aria-describedby": "id_place_error"}
    assert written[opening : written.index("/select") + 1] == Outline(form["place"].as_widget(attrs=attrs)).items


def test_grouped_options_are_listed_in_order_with_the_chosen_one_selected():
    form = Choices({"grouped": "2"})
    form.is_valid()
    page = Elements(filter_field(form["grouped"]))
    options = [(attrs["value"], "selected" in attrs) for tag, attrs in page.tags if tag == "option"]
    assert options == [("1", False), ("2", True)]


def test_filter_forms_share_their_class_but_each_has_its_own_fields(cast):
    first = bound(HouseholdFilter, {"kelurahan": "1"}, cast["supervisor"])
    second = bound(HouseholdFilter, {}, cast["supervisor"])
    assert type(first) is type(second)
    assert first.fields["kelurahan"] is not second.fields["kelurahan"]
    first.fields["status"].label = "Diubah"
    assert second.fields["status"].label == "Status"
    assert first["kelurahan"].value() == "1" and second["kelurahan"].value() is None


def test_a_filter_set_that_drops_a_filter_gets_a_form_without_it():
    assert "opd" not in ReferralFilter({}, may_choose_opd=False).form.fields
    assert "opd" in ReferralFilter({}).form.fields
    assert "opd" not in ReferralFilter({}, may_choose_opd=False).form.fields
