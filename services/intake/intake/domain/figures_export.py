"""A community's figures as a spreadsheet (xlsx, openpyxl) for the station's reports: the totals
on the first sheet, then the breakdowns by program, by Beijing month and by community. Headings
in Chinese (English if the reader asks); counts are numbers and rates are percentages (a rate
with nothing to count is an empty cell, as ``—`` on the figures page)."""
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from minzi.i18n import pick

from .figures import UNASSIGNED
from .views import community_figures, list_communities, list_programs

COUNTS = (("received", "受理", "Received"), ("responded", "已响应", "Responded"),
          ("resolved", "已办结", "Resolved"),
          ("resolved_on_time", "按时办结", "Resolved on time"),
          ("followed_up", "已回访", "Followed up"),
          ("followup_resolved", "回访称已解决", "Said resolved at follow-up"),
          ("satisfied", "回访称满意", "Said satisfied at follow-up"))
RATES = (("response_rate", "响应率", "Response rate"),
         ("resolution_rate", "解决率", "Resolution rate"),
         ("satisfaction_rate", "满意率", "Satisfaction rate"),
         ("on_time_rate", "按时办结率", "On-time rate"))
BREAKDOWNS = (("program", "按项目", "By program", "项目", "Program"),
              ("month", "按月份", "By month", "月份", "Month"),
              ("community", "按社区", "By community", "社区", "Community"))
PERCENT = "0.0%"
BOLD = Font(bold=True)


def figures_filename(community: str, q: dict) -> str:
    dates = [d.isoformat() for d in (q.get("date_from"), q.get("date_to")) if d]
    return "-".join(["figures", community, *dates]) + ".xlsx"


def figures_workbook(session: Session, community: str, q: dict, lang: str = "zh") -> bytes:
    """The workbook of ``community``'s figures for the period and program of ``q`` (as
    ``GET /figures`` reads its query; its ``group_by`` is not used: every breakdown is here)."""
    names = {p["program_id"]: p["name"] for p in list_programs(session, lang)}
    names[UNASSIGNED] = pick(lang, "未分派", "Unassigned")
    places = {c["id"]: c["name"] for c in list_communities(session, lang)}
    book = Workbook()
    totals = book.active
    totals.title = pick(lang, "总计", "Totals")
    found = community_figures(session, community, {**q, "group_by": ""})["rows"]
    whole = found[0] if found else {key: 0 for key, _, _ in COUNTS}
    totals.append([pick(lang, "社区", "Community"), places.get(community, community)])
    for key, zh, en in (("date_from", "日期自", "From"), ("date_to", "至", "To")):
        totals.append([pick(lang, zh, en), q[key].isoformat() if q.get(key) else None])
    if q.get("program_id"):
        totals.append([pick(lang, "项目", "Program"),
                       names.get(q["program_id"], q["program_id"])])
    for key, zh, en in COUNTS:
        totals.append([pick(lang, zh, en), whole[key]])
    for key, zh, en in RATES:
        totals.append([pick(lang, zh, en), whole.get(key)])
        totals.cell(totals.max_row, 2).number_format = PERCENT
    for cell in totals["A"]:
        cell.font = BOLD
    totals.column_dimensions["A"].width = 24
    totals.column_dimensions["B"].width = 20
    for group, zh, en, head_zh, head_en in BREAKDOWNS:
        sheet = book.create_sheet(pick(lang, zh, en))
        rows = community_figures(session, community, {**q, "group_by": group})["rows"]
        _table(sheet, pick(lang, head_zh, head_en), lang, [
            (names.get(r[group], r[group]) if group == "program" else
             places.get(r[group], r[group]) if group == "community" else r[group], r)
            for r in rows])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _table(sheet: Worksheet, heading: str, lang: str, rows: list[tuple[str, dict]]) -> None:
    sheet.append([heading, *(pick(lang, zh, en) for _, zh, en in (*COUNTS, *RATES))])
    for cell in sheet[1]:
        cell.font = BOLD
    for name, row in rows:
        sheet.append([name, *(row[key] for key, _, _ in COUNTS),
                      *(row[key] for key, _, _ in RATES)])
        for column in range(len(COUNTS) + 2, len(COUNTS) + len(RATES) + 2):
            sheet.cell(sheet.max_row, column).number_format = PERCENT
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 22
