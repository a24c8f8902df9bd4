"""What a resident or the home's staff read when the input is wrong: each message once, in the
language the request chose (Chinese unless ``en``)."""
import pytest

from legal_aid.api import router

STAFF = {"id": 1, "username": "li", "name": "李", "role": "program_staff",
         "program_id": "legal_aid", "community": "rainbow-city"}


def fields(method, path, body, lang, staff=None):
    answer = router.dispatch({"method": method, "path": path, "body": body, "staff": staff,
                              "query": {}, "lang": lang})
    assert answer["status"] == 422, answer
    return answer["body"]["error"]["fields"]


@pytest.mark.parametrize(("lang", "phone", "nobody"), [
    ("zh", "电话号码格式不对", "请至少标记一位出席或缺席"),
    ("en", "Not a phone number.", "Mark at least one person present or absent."),
])
def test_a_wrong_phone_and_an_empty_attendance_are_said_in_the_readers_language(lang, phone,
                                                                                nobody):
    assert fields("POST", "/lectures/1/registrations", {"name": "张三", "phone": "call me"},
                  lang) == {"phone": [phone]}
    assert fields("POST", "/lectures/1/attendance", {}, lang, STAFF) == {"present": [nobody]}
