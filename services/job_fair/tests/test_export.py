"""The spreadsheet of a fair, read back cell by cell: the first sheet the fair and its figures,
the second its applicants (those who applied or checked in), ID numbers and phones masked
unless the reader is the fair's own staff. The figures below are counted by hand from what
each test does."""
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from job_fair.domain import applications, fairs, positions
from job_fair.domain.export import fair_workbook

from .conftest import (
    CODES,
    LI_NA_ID,
    NOW,
    STAFF,
    STANDARD_ID,
    C,
    fair_with_position,
    interviewed,
    position_data,
    register,
    verified_employer,
)

HEADINGS_ZH = ("编号", "姓名", "身份证号", "电话", "类别", "签到", "申请的岗位", "结果")
HEADINGS_EN = ("No.", "Name", "ID number", "Phone", "Kind", "Checked in",
               "Positions applied to", "Outcomes")


def read(tx, fair, lang="zh", *, full):
    book = load_workbook(BytesIO(fair_workbook(tx.session, fair, lang, full=full)))
    return book.sheetnames, [[list(row) for row in book[name].values]
                             for name in book.sheetnames]


def busy_fair(tx):
    """Two employers; 张伟 hired, 李娜 applied twice and withdrew one, 王芳 only came."""
    fair, _, position = fair_with_position(tx)            # 物业电工, 2 wanted
    courier = verified_employer(tx, "快递站", CODES[1])
    fairs.invite(tx, C, fair.id, courier.id, STAFF, NOW)
    delivery = positions.post_position(tx, C, fair.id, position_data(
        courier.id, title="快递员", count=3), STAFF, NOW)
    zhang = register(tx)
    hired = interviewed(tx, fair, position, zhang)
    applications.decide(tx, C, hired.id, True, None, STAFF, NOW)
    li = register(tx, "李娜", LI_NA_ID, phone="13912345678", kind="graduate")
    applications.apply(tx, C, li.id, delivery.id, STAFF, NOW)
    second = applications.apply(tx, C, li.id, position.id, STAFF, NOW)
    applications.withdraw(tx, C, second.id, "applicant", None, STAFF, NOW)
    wang = register(tx, "王芳", STANDARD_ID, phone="13700000009", kind="resident")
    applications.check_in(tx, C, fair.id, wang.registration_code, STAFF, NOW)
    return fair


# employers 2 (both invited); positions 2; wanted 2 + 3 = 5; applicants 张伟, 李娜 (one
# application not withdrawn), 王芳 (checked in) = 3; applications not withdrawn: 张伟's and
# 李娜's 快递员 = 2; check-ins 张伟, 王芳 = 2; interviews 1 (张伟, hired); hires 1
FIGURES_ZH = [["招聘会", "彩虹城冬季招聘会"], ["日期", "2026-12-05"], ["地点", "社区活动室"],
              ["参会单位", 2], ["岗位", 2], ["招聘人数", 5], ["求职者", 3], ["投递", 2],
              ["签到", 2], ["面试", 1], ["录用", 1]]


def test_the_staffs_workbook_in_chinese_holds_everyone_in_full(tx):
    names, (figures, people) = read(tx, busy_fair(tx), full=True)
    assert names == ["数据", "求职者"]
    assert figures == FIGURES_ZH
    assert people == [
        list(HEADINGS_ZH),
        [1, "张伟", "110105199405122131", "13800000001", "失业人员", "是",
         "彩虹城物业公司 物业电工", "已录用"],
        [2, "李娜", "110105199603080243", "13912345678", "应届毕业生", "否",
         "快递站 快递员; 彩虹城物业公司 物业电工", "已投递; 已撤回"],
        [3, "王芳", "11010519491231002X", "13700000009", "本地居民", "是", None, None]]


def test_an_admins_workbook_in_english_masks_id_numbers_and_phones(tx):
    names, (figures, people) = read(tx, busy_fair(tx), "en", full=False)
    assert names == ["Figures", "Applicants"]
    assert figures == [["Job fair", "彩虹城冬季招聘会"], ["Date", "2026-12-05"],
                       ["Place", "社区活动室"], ["Employers", 2], ["Positions", 2],
                       ["People wanted", 5], ["Applicants", 3], ["Applications", 2],
                       ["Check-ins", 2], ["Interviews", 1], ["Hires", 1]]
    assert people == [
        list(HEADINGS_EN),
        [1, "张伟", "110105********2131", "138****0001", "Unemployed", "yes",
         "彩虹城物业公司 物业电工", "Hired"],
        [2, "李娜", "110105********0243", "139****5678", "Graduate", "no",
         "快递站 快递员; 彩虹城物业公司 物业电工", "Applied; Withdrawn"],
        [3, "王芳", "110105********002X", "137****0009", "Local resident", "yes", None, None]]


def test_a_fair_nobody_has_come_to_yet_has_zeros_and_only_the_headings(tx):
    fair = fairs.plan_fair(tx, C, {"title": "春季招聘会", "day": date(2027, 3, 6),
                                   "place": "社区广场", "capacity": 100}, STAFF, NOW)
    _, (figures, people) = read(tx, fair, full=False)
    assert figures == [["招聘会", "春季招聘会"], ["日期", "2027-03-06"], ["地点", "社区广场"],
                       ["参会单位", 0], ["岗位", 0], ["招聘人数", 0], ["求职者", 0], ["投递", 0],
                       ["签到", 0], ["面试", 0], ["录用", 0]]
    assert people == [list(HEADINGS_ZH)]


def test_a_workbook_asked_for_in_no_language_is_in_chinese(tx):
    fair = busy_fair(tx)
    book = load_workbook(BytesIO(fair_workbook(tx.session, fair, full=False)))
    assert book.sheetnames == ["数据", "求职者"]
    assert [list(row) for row in book["数据"].values] == FIGURES_ZH
    assert next(book["求职者"].values) == HEADINGS_ZH
