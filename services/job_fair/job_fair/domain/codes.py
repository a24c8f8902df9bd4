"""The job fair's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

# schooling, lowest first: a position asks for at least one of these
EDUCATION: Names = {
    "primary": ("小学", "Primary school"),
    "junior_high": ("初中", "Junior high school"),
    "senior_high": ("高中 / 中专", "Senior high / vocational school"),
    "college": ("大专", "College"),
    "bachelor": ("本科", "Bachelor's degree"),
    "master": ("硕士", "Master's degree"),
    "doctorate": ("博士", "Doctorate"),
}
EDUCATION_RANK = {code: rank for rank, code in enumerate(EDUCATION)}
APPLICANT_KINDS: Names = {
    "resident": ("本地居民", "Local resident"),
    "graduate": ("应届毕业生", "Graduate"),
    "unemployed": ("失业人员", "Unemployed"),
}
EMPLOYER_STATUSES: Names = {
    "pending": ("待审核", "Awaiting verification"),
    "verified": ("已审核", "Verified"),
    "rejected": ("审核未通过", "Rejected"),
}
APPLICATION_STATUSES: Names = {
    "applied": ("已投递", "Applied"),
    "interviewed": ("已面试", "Interviewed"),
    "hired": ("已录用", "Hired"),
    "not_hired": ("未录用", "Not hired"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
FIGURE_LABELS: Names = {
    "employers": ("参会单位", "Employers"),
    "positions": ("岗位", "Positions"),
    "openings": ("招聘人数", "People wanted"),
    "applicants": ("求职者", "Applicants"),
    "applications": ("投递", "Applications"),
    "check_ins": ("签到", "Check-ins"),
    "interviews": ("面试", "Interviews"),
    "hires": ("录用", "Hires"),
}
