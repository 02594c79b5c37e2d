"""`get_<field>_display()` of the case records reads the same label as Django's own, in the user's language."""

import pytest
from django.db import models
from django.utils import translation

from audit.models import ChangeLog
from coordination.models import Referral
from core.models import ChoiceLabels
from households.models import Household, HouseholdStatusChange, Person, Visit
from interventions.models import Intervention

MODELS = [Household, HouseholdStatusChange, Person, Visit, Referral, Intervention, ChangeLog]


def choice_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if field.choices]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_choice_of_every_case_record_reads_as_django_would_in_both_languages(model):
    assert issubclass(model, ChoiceLabels)
    fields = choice_fields(model)
    assert fields
    for field in fields:
        for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None]:
            record = model(**{field.attname: value})
            for language in ("id", "en"):
                with translation.override(language):
                    shown = getattr(record, f"get_{field.name}_display")()
                    assert shown == models.Model._get_FIELD_display(record, field), (field, value, language)


def test_a_label_follows_the_language_it_is_read_in():
    household = Household(status=Household.Status.GRADUATED)
    assert household.get_status_display() == "Graduasi"
    with translation.override("en"):
        assert household.get_status_display() == "Graduated"
