import datetime

import pytest
from django.core.exceptions import ValidationError

from core.identity import mask
from households.nik import make_nik, validate_nik, validate_no_kk

BORN = datetime.date(1985, 3, 12)


def error_code(value: str, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_nik(value, **kwargs)
    return caught.value.code


def test_valid_nik_of_a_man_passes():
    validate_nik("6271041203850001", birth_date=BORN, sex="L")


def test_valid_nik_of_a_woman_has_forty_added_to_the_day():
    validate_nik("6271045203850002", birth_date=BORN, sex="P")


def test_nik_from_outside_palangka_raya_is_accepted():
    validate_nik("3273011203850001", birth_date=BORN, sex="L")


@pytest.mark.parametrize("value", ["627104120385001", "62710412038500011", ""])
def test_nik_of_wrong_length_is_refused_with_the_count(value):
    with pytest.raises(ValidationError) as caught:
        validate_nik(value)
    assert caught.value.code in {"length", "not_digits"}
    if value:
        assert f"{len(value)} digit" in caught.value.messages[0]


@pytest.mark.parametrize(
    "value", ["62710412038500A1", "6271 0412038500", "6.27104E+15xxxxx", "６２７１０４１２０３８５０００１"]
)
def test_nik_with_letters_or_symbols_is_refused(value):
    assert error_code(value) == "not_digits"


def test_nik_whose_date_differs_from_the_birth_date_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_nik("6271041303850001", birth_date=BORN, sex="L")
    assert caught.value.code == "birth_date_mismatch"
    assert "13/03/85" in caught.value.messages[0]
    assert "12/03/1985" in caught.value.messages[0]


def test_nik_of_a_man_recorded_as_woman_is_refused():
    assert error_code("6271041203850001", birth_date=BORN, sex="P") == "sex_mismatch"


def test_a_nik_that_disagrees_with_both_birth_date_and_sex_says_both_at_once():
    with pytest.raises(ValidationError) as caught:
        validate_nik("6271041303850001", birth_date=BORN, sex="P")
    assert [error.code for error in caught.value.error_list] == ["birth_date_mismatch", "sex_mismatch"]
    assert "13/03/85" in caught.value.messages[0] and "Jenis kelamin" in caught.value.messages[1]


def test_nik_of_a_woman_recorded_as_man_is_refused():
    assert error_code("6271045203850001", birth_date=BORN, sex="L") == "sex_mismatch"


@pytest.mark.parametrize(
    "value",
    [
        "6271043102850001",  # 31 February
        "6271043213850001",  # month 13
        "6271040003850001",  # day 0
        "6271043503850001",  # day 35 (neither man nor woman)
        "6271047203850001",  # woman's day 72 = 32nd
        "6271042902830001",  # 29 February 1983 (not a leap year)
    ],
)
def test_nik_with_an_impossible_date_is_refused(value):
    assert error_code(value) == "impossible_date"


def test_29_february_of_a_leap_year_is_possible():
    validate_nik("6271042902840001", birth_date=datetime.date(1984, 2, 29), sex="L")


@pytest.mark.parametrize("value", ["0071041203850001", "9971041203850001", "6200041203850001", "6271001203850001"])
def test_nik_with_an_unknown_region_is_refused(value):
    assert error_code(value) == "region"


def test_nik_with_serial_zero_is_refused():
    assert error_code("6271041203850000") == "serial"


def test_messages_are_in_indonesian():
    with pytest.raises(ValidationError) as caught:
        validate_nik("12345")
    assert "harus 16 digit" in caught.value.messages[0]


def test_make_nik_builds_a_nik_that_validates():
    nik = make_nik(region="627104", birth_date=datetime.date(2010, 7, 5), sex="P", serial=12)
    assert nik == "6271044507100012"
    validate_nik(nik, birth_date=datetime.date(2010, 7, 5), sex="P")


def test_no_kk_needs_sixteen_digits_and_a_region():
    validate_no_kk("6271042001000001")
    with pytest.raises(ValidationError):
        validate_no_kk("62710420010000")
    with pytest.raises(ValidationError):
        validate_no_kk("0071042001000001")


def test_mask_hides_the_middle_eight_digits():
    assert mask("6271041203850003") == "6271••••••••0003"
    assert mask("") == ""
