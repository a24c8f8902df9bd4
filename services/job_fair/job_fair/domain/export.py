"""A fair's figures and applicant list as a spreadsheet (xlsx, openpyxl) for the station's
monthly report. Chinese headings; the applicant list masks ID numbers and phones unless the
reader is the fair's own staff (``full``)."""
from io import BytesIO

from openpyxl import Workbook
from sqlalchemy.orm import Session

from minzi.i18n import label, pick
from minzi.idcard import mask_id_number

from ..models import Fair
from .codes import APPLICANT_KINDS, APPLICATION_STATUSES
from .figures import figures
from .views import fair_applicants, mask_phone


def fair_workbook(session: Session, fair: Fair, lang: str = "zh", *, full: bool) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = pick(lang, "数据", "Figures")
    found = figures(session, fair, lang)
    sheet.append([pick(lang, "招聘会", "Job fair"), fair.title])
    sheet.append([pick(lang, "日期", "Date"), fair.day.isoformat()])
    sheet.append([pick(lang, "地点", "Place"), fair.place])
    for key, value in found["totals"].items():
        sheet.append([found["labels"][key], value])
    people = book.create_sheet(pick(lang, "求职者", "Applicants"))
    people.append([pick(lang, h_zh, h_en) for h_zh, h_en in (
        ("编号", "No."), ("姓名", "Name"), ("身份证号", "ID number"), ("电话", "Phone"),
        ("类别", "Kind"), ("签到", "Checked in"), ("申请的岗位", "Positions applied to"),
        ("结果", "Outcomes"))])
    for applicant, applications, arrived in fair_applicants(session, fair):
        people.append([
            applicant.id, applicant.name,
            applicant.id_number if full else mask_id_number(applicant.id_number),
            applicant.phone if full else mask_phone(applicant.phone),
            label(APPLICANT_KINDS, applicant.kind, lang),
            pick(lang, "是" if arrived else "否", "yes" if arrived else "no"),
            "; ".join(f"{employer.name} {position.title}"
                      for _, position, employer in applications),
            "; ".join(label(APPLICATION_STATUSES, application.status, lang)
                      for application, _, _ in applications)])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
