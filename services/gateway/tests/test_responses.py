"""The gateway's own answers: JSON in UTF-8 with Chinese as it is, errors as
``{"error": {"code", "message"}}`` in the asker's language (Chinese unless English is asked)."""
import json

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.service import error, json_response, language


@pytest.mark.parametrize(("query", "accept", "lang"), [
    ("", None, "zh"),
    ("", "zh-CN,zh;q=0.9,en;q=0.8", "zh"),
    ("", "en-US,en;q=0.9", "en"),
    ("", "EN", "en"),
    ("lang=en", "zh-CN", "en"),
    ("lang=zh", "en-US", "zh"),
    ("lang=fr", None, "zh"),
])
def test_the_language_is_the_lang_parameter_else_accept_language_else_chinese(query, accept,
                                                                              lang):
    headers = {"Accept-Language": accept} if accept else {}
    request = Request(EnvironBuilder(path="/api/v1/cases", query_string=query,
                                     headers=headers).get_environ())
    assert language(request) == lang


def test_json_answers_keep_chinese_as_it_is():
    response = json_response(201, {"name": "彩虹城", "when": 1.5})
    assert response.status_code == 201
    assert response.content_type == "application/json; charset=utf-8"
    assert response.get_data() == '{"name": "彩虹城", "when": 1.5}'.encode()


def test_an_error_speaks_the_askers_language():
    zh = error(404, "unknown_program", "没有这个项目", "No such program", "zh")
    en = error(404, "unknown_program", "没有这个项目", "No such program", "en")
    assert zh.status_code == en.status_code == 404
    assert json.loads(zh.get_data()) == {"error": {"code": "unknown_program",
                                                   "message": "没有这个项目"}}
    assert json.loads(en.get_data()) == {"error": {"code": "unknown_program",
                                                   "message": "No such program"}}
