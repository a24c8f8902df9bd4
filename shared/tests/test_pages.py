"""A program's pages as it declares them (``minzi.pages``): a mistake in ``pages.yaml`` is
named when the program starts, not met by a user's click; and a value put into a path is one
segment, never a path of its own."""
import pytest

from minzi.api import Router
from minzi.pages import check_routes, fill, load_pages

router = Router()
for method, template in (("GET", "/cases"), ("POST", "/cases"), ("GET", "/cases/{case_id:int}"),
                         ("POST", "/cases/{case_id:int}/resolve"), ("GET", "/lawyers"),
                         ("PATCH", "/lawyers/{lawyer_id:int}")):
    router.route(method, template)(lambda ctx: (200, {}))

GOOD = """
pages:
  - id: cases
    title: {zh: 案件, en: Cases}
    sections:
      - table:
          source: /cases
          columns: [{field: code, label: {zh: 编号}}]
          link: {page: case, params: {case_id: id}}
          actions:
            - {label: {zh: 停用}, method: PATCH, path: "/lawyers/{lawyer.id}",
               body: {active: false}}
  - id: case
    title: {zh: 一件案件}
    params: [case_id]
    sections:
      - record: {source: "/cases/{case_id}", show: [{field: code, label: {zh: 编号}}]}
      - form:
          title: {zh: 办结}
          path: "/cases/{case_id}/resolve"
          inputs:
            - {name: result, label: {zh: 结果}, type: textarea, required: true}
            - name: lawyer_id
              label: {zh: 律师}
              type: select
              options_from: {source: /lawyers, items: items, value: id, label: name}
"""


def pages_of(tmp_path, text):
    path = tmp_path / "pages.yaml"
    path.write_text(text, encoding="utf-8")
    return load_pages(path)


def test_a_good_declaration_loads_and_fits_the_routes(tmp_path):
    pages = pages_of(tmp_path, GOOD)
    check_routes(pages, router)
    assert [p["id"] for p in pages] == ["cases", "case"]
    assert pages[1]["sections"][1]["form"]["method"] == "POST"       # the default
    assert pages[0]["roles"] == [] and pages[0]["params"] == []


def test_a_program_without_pages_has_none(tmp_path):
    assert load_pages(tmp_path / "pages.yaml") == []


@pytest.mark.parametrize("change, named", [
    # a path that is no route of the program, or not with that method
    (("source: /cases\n", "source: /casess\n"), "GET /casess is no route"),
    (("method: PATCH, path", "method: DELETE, path"), "DELETE /lawyers/{lawyer.id} is no route"),
    (("{source: /lawyers,", "{source: /lawyer,"), "GET /lawyer is no route"),
    # a page's own path may take only the page's parameters
    (('path: "/cases/{case_id}/resolve"', 'path: "/cases/{id}/resolve"'), "needs ['id']"),
])
def test_a_path_the_program_does_not_have_is_named(tmp_path, change, named):
    pages = pages_of(tmp_path, GOOD.replace(*change))
    with pytest.raises(ValueError) as refused:
        check_routes(pages, router)
    assert named in str(refused.value)


@pytest.mark.parametrize("change, named", [
    (("page: case, params: {case_id: id}", "page: kase, params: {case_id: id}"),
     "links to no page 'kase'"),
    (("params: {case_id: id}", "params: {id: id}"), "gives ['id'], page 'case' takes ['case_id']"),
    (("id: case\n", "id: cases\n"), "page ids must be unique"),
    (("type: textarea", "type: essay"), "Must be one of"),
    (("type: select\n", "type: text\n"), "a select has options"),
    (("columns: [{field: code", "colums: [{field: code"), "Unknown field"),
    (("title: {zh: 办结}", "title: {en: Resolve}"), "Missing data for required field"),
    (("- record: {source", "- form: {title: {zh: x}, path: /cases}\n        record: {source"),
     "a section is one table, record or form"),
    (("pages:", "pages: [\n"), "not YAML"),
    # a page reaches its own program's API and nothing else
    (("source: /cases\n", "source: /cases/../../staff\n"), "a path of the program's API"),
    (("source: /cases\n", "source: //evil.test/cases\n"), "a path of the program's API"),
    (("source: /cases\n", "source: https://evil.test/cases\n"), "a path of the program's API"),
    # a residents' page only shows, and only other residents' pages
    (("    params: [case_id]\n", "    params: [case_id]\n    public: true\n"),
     "a public page only shows: no form, no button"),
    (("    title: {zh: 案件, en: Cases}\n", "    title: {zh: 案件, en: Cases}\n    public: true\n"),
     "a public page only shows"),

])
def test_a_mistake_in_the_declaration_is_named_with_the_file(tmp_path, change, named):
    with pytest.raises(ValueError) as refused:
        pages_of(tmp_path, GOOD.replace(*change, 1))
    assert named in str(refused.value) and "pages.yaml" in str(refused.value)


PUBLIC = """
pages:
  - id: figures
    title: {zh: 数据}
    public: true
    sections:
      - table:
          source: /cases
          columns: [{field: code, label: {zh: 编号}}]
  - id: case
    title: {zh: 一件案件}
    params: [case_id]
    sections:
      - record: {source: "/cases/{case_id}", show: [{field: code, label: {zh: 编号}}]}
"""


@pytest.mark.parametrize("change, named", [
    (("    public: true\n", "    public: true\n    roles: [admin]\n"), "no roles"),
    (("columns: [{field: code, label: {zh: 编号}}]\n",
      "columns: [{field: code, label: {zh: 编号}}]\n          link: {page: case, params: "
      "{case_id: id}}\n"), "links a resident to a staff page 'case'"),
])
def test_a_residents_page_is_for_everyone_and_leads_only_to_residents_pages(tmp_path, change,
                                                                             named):
    assert [p["public"] for p in pages_of(tmp_path, PUBLIC)] == [True, False]
    with pytest.raises(ValueError) as refused:
        pages_of(tmp_path, PUBLIC.replace(*change))
    assert named in str(refused.value)


def test_a_value_goes_into_a_path_as_one_segment():
    assert fill("/cases/{case_id}/resolve", {"case_id": 12}) == "/cases/12/resolve"
    assert fill("/units/{code}", {"code": "a/../b c"}) == "/units/a%2F..%2Fb%20c"
    assert fill("/lawyers/{lawyer.id}", {"lawyer.id": "3"}) == "/lawyers/3"
    for missing in ({}, {"case_id": ""}, {"case_id": None}, {"case_id": "9" * 101},
                    {"case_id": ".."}, {"case_id": "."}):
        with pytest.raises(KeyError) as refused:
            fill("/cases/{case_id}", missing)
        assert refused.value.args == ("case_id",)             # the value that is wrong
    assert fill("/cases/{case_id}", {"case_id": "9" * 100}) == "/cases/" + "9" * 100


def declared(tmp_path, sections, extra=""):
    """One page of ``sections`` (YAML), and ``extra`` pages after it."""
    return pages_of(tmp_path, "pages:\n  - id: one\n    title: {zh: 一}\n    sections:\n"
                    + sections + extra)


LAWYERS = "{source: /lawyers, items: items, value: id, label: name}"


@pytest.mark.parametrize("where", [
    # a select's choices read from the API, wherever the box is: a filter, a form, a row's
    # button, a button in a record's list
    f"""      - table:
          source: /cases
          filters: [{{name: who, label: {{zh: 律师}}, type: select, options_from: {LAWYERS}}}]
          columns: [{{field: code, label: {{zh: 编号}}}}]
""",
    f"""      - form:
          title: {{zh: 办结}}
          path: /cases
          inputs: [{{name: who, label: {{zh: 律师}}, type: select, options_from: {LAWYERS}}}]
""",
    f"""      - table:
          source: /cases
          columns: [{{field: code, label: {{zh: 编号}}}}]
          actions:
            - label: {{zh: 指派}}
              method: PATCH
              path: "/lawyers/{{id}}"
              inputs: [{{name: who, label: {{zh: 律师}}, type: select, options_from: {LAWYERS}}}]
""",
    f"""      - record:
          source: /cases
          show: [{{field: code, label: {{zh: 编号}}}}]
          lists:
            - field: rows
              title: {{zh: 行}}
              columns: [{{field: code, label: {{zh: 编号}}}}]
              actions:
                - label: {{zh: 指派}}
                  method: PATCH
                  path: "/lawyers/{{id}}"
                  inputs: [{{name: who, label: {{zh: 律师}}, type: select,
                             options_from: {LAWYERS}}}]
""",
])
def test_choices_read_from_the_api_are_a_route_of_the_program_wherever_their_box_is(
        tmp_path, where):
    check_routes(declared(tmp_path, where), router)          # every call is a route
    with pytest.raises(ValueError) as refused:
        check_routes(declared(tmp_path, where.replace("source: /lawyers", "source: /lawyer")),
                     router)
    assert "one: GET /lawyer is no route of the program" in str(refused.value)


def test_choices_read_from_the_api_take_no_value_of_the_page(tmp_path):
    pages = declared(tmp_path, """      - table:
          source: /cases
          filters: [{name: who, label: {zh: 律师}, type: select,
                      options_from: {source: "/cases/{case_id}", value: id, label: name}}]
          columns: [{field: code, label: {zh: 编号}}]
""")
    with pytest.raises(ValueError) as refused:
        check_routes(pages, router)
    assert str(refused.value) == ("pages.yaml: one: /cases/{case_id} needs ['case_id'], not among "
                                  "the page's params []")


def test_every_mistake_is_named_at_once_and_a_link_by_its_section(tmp_path):
    pages = declared(tmp_path, """      - table:
          source: /nowhere
          columns: [{field: code, label: {zh: 编号}}]
      - form: {title: {zh: 办}, path: /elsewhere}
""")
    with pytest.raises(ValueError) as refused:
        check_routes(pages, router)
    assert str(refused.value) == ("pages.yaml: one: GET /nowhere is no route of the program; "
                                  "one: POST /elsewhere is no route of the program")
    for section, text in ((1, """      - table:
          source: /cases
          columns: [{field: code, label: {zh: 编号}}]
          link: {page: two, params: {}}
"""), (2, """      - table:
          source: /cases
          columns: [{field: code, label: {zh: 编号}}]
      - form: {title: {zh: 办}, path: /cases, then: {page: two, params: {}}}
""")):
        with pytest.raises(ValueError) as refused:
            declared(tmp_path, text)
        assert f"one: section {section} links to no page 'two'" in str(refused.value)


def test_a_records_source_is_checked_beside_its_lists_buttons(tmp_path):
    pages = declared(tmp_path, """      - record:
          source: /nowhere
          show: [{field: code, label: {zh: 编号}}]
          lists:
            - field: rows
              title: {zh: 行}
              columns: [{field: code, label: {zh: 编号}}]
              actions: [{label: {zh: 停用}, method: PATCH, path: "/lawyers/{id}"}]
""")
    with pytest.raises(ValueError) as refused:
        check_routes(pages, router)
    assert str(refused.value) == "pages.yaml: one: GET /nowhere is no route of the program"


def test_a_value_of_nought_is_a_value():
    assert fill("/cases/{case_id}", {"case_id": 0}) == "/cases/0"
    assert fill("/a/{x}/{y}", {"x": "…", "y": "1.5"}) == "/a/%E2%80%A6/1.5"
