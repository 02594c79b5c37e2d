"""`form_fields` writes a data-entry form as `{% crispy form %}` does, and leaves to crispy what it does not write."""

import datetime

import pytest
from crispy_forms.layout import Layout
from django import forms
from django.template import engines

from core.forms import DateInput, form_helper
from core.templatetags.core_tags import form_fields
from households.forms import VisitEditForm, VisitForm
from tests.factories import VisitFactory
from tests.outline import Outline

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")


def crispy(form) -> list[object]:
    return Outline(CRISPY.render({"form": form})).items


class Plain(forms.Form):
    name = forms.CharField(label="Nama <lengkap>", help_text="Seperti di <b>KTP</b>.", max_length=50)
    count = forms.IntegerField(label="Jumlah", required=False, widget=forms.NumberInput(attrs={"class": "narrow"}))
    on = forms.DateField(label="Tgl", widget=DateInput(), show_hidden_initial=True, initial=datetime.date(2024, 1, 2))
    kind = forms.ChoiceField(label="Jenis", choices=[("", "— Pilih —"), ("a", "A & B")])
    note = forms.CharField(label="Catatan", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    token = forms.CharField(widget=forms.HiddenInput, initial="abc")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper()


@pytest.mark.parametrize(
    "make",
    [
        lambda: Plain(),
        lambda: Plain(initial={"name": "Siti", "kind": "a", "note": "Atap <bocor>"}),
        lambda: VisitForm(initial={"visited_on": datetime.date(2024, 3, 1)}),
    ],
    ids=["plain", "plain-filled", "visit"],
)
def test_a_form_is_written_as_crispy_writes_it(make):
    form = make()  # one form: a create form carries a new submit-once token each time
    assert Outline(form_fields(form)).items == crispy(form)


@pytest.mark.django_db
def test_a_visit_being_edited_is_written_as_crispy_writes_it():
    visit = VisitFactory(findings="Atap bocor")
    form = VisitEditForm(instance=visit, initial={"version": visit.version})
    assert Outline(form_fields(form)).items == crispy(form)


def test_a_form_with_errors_is_left_to_crispy():
    form = Plain({"name": "", "on": "2024-01-02", "kind": "a", "token": "abc"})
    assert not form.is_valid()
    assert form_fields(form) == ""


class WithTickBox(Plain):
    agree = forms.BooleanField(label="Setuju", required=False)


class WithLayout(Plain):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout("name", "kind")


@pytest.mark.parametrize("form_class", [WithTickBox, WithLayout, forms.Form], ids=["tick-box", "layout", "no-helper"])
def test_what_crispy_writes_its_own_way_is_left_to_it(form_class):
    assert form_fields(form_class()) == ""
