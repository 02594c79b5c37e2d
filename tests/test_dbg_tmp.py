import pytest
from households.forms import HouseholdRegisterForm
pytestmark = pytest.mark.django_db
def test_x(cast):
    print(HouseholdRegisterForm.__mro__)
    import inspect
    f = HouseholdRegisterForm()
    fld = f.fields["ownership"]
    print(type(fld), type(fld.choices), list(fld.choices)[:2], fld.widget.choices[:2])
