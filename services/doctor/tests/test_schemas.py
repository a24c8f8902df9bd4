"""What the staff API takes in: lists as a form sends them, glucose exactly in tenths, a visit's
readings from its flat fields."""
import pytest
from marshmallow import ValidationError

from doctor.schemas import ClinicIn, Items, RecordUpdate, VisitIn


def test_lists_come_as_lists_or_as_one_text_separated():
    assert RecordUpdate().load({"conditions": "高血压、2型糖尿病, 冠心病；\n"}) == {
        "phone": None, "address": None, "conditions": ["高血压", "2型糖尿病", "冠心病"],
        "allergies": None}
    assert RecordUpdate().load({"allergies": ["青霉素", " "]})["allergies"] == ["青霉素"]
    for wrong in (["x"] * 31, ["长" * 201], [1], 5):
        with pytest.raises(ValidationError):
            Items().deserialize(wrong)


def test_a_clinic_offers_codes_or_their_chinese_names():
    base = {"day": "2026-12-01", "hours": "9-11", "place": "广场", "capacity": 10}
    assert ClinicIn().load({**base, "offers": "量血压、测血糖"})["offers"] == [
        "blood_pressure", "glucose"]
    assert ClinicIn().load({**base, "offers": ["consultation"]})["offers"] == ["consultation"]
    for wrong in ("", "按摩", ["blood_pressure", "massage"], 3):
        with pytest.raises(ValidationError) as err:
            ClinicIn().load({**base, "offers": wrong})
        assert list(err.value.messages) == ["offers"]


def test_a_visits_readings_from_its_fields():
    base = {"visited_on": "2026-11-27", "note": "上门"}
    assert VisitIn().load(base)["readings"] == []
    loaded = VisitIn().load({**base, "systolic": 150, "diastolic": 90, "glucose": "6.1",
                             "fasting": True})
    assert loaded["readings"] == [
        {"kind": "blood_pressure", "systolic": 150, "diastolic": 90},
        {"kind": "glucose", "glucose_tenths": 61, "fasting": True}]
    assert VisitIn().load({**base, "glucose": 12})["readings"] == [
        {"kind": "glucose", "glucose_tenths": 120, "fasting": None}]
    with pytest.raises(ValidationError) as err:
        VisitIn().load({**base, "systolic": 150})
    assert list(err.value.messages) == ["systolic"]
