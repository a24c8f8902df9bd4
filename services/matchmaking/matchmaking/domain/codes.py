"""The studio's code lists, each code with its Chinese and English name (``minzi.i18n.label``
names one in the reader's language)."""
from minzi.i18n import Names

GENDERS: Names = {"male": ("男", "Male"), "female": ("女", "Female")}
EDUCATION: Names = {
    "primary": ("小学", "Primary school"),
    "junior_high": ("初中", "Junior high school"),
    "senior_high": ("高中 / 中专", "Senior high / vocational school"),
    "college": ("大专", "College"),
    "bachelor": ("本科", "Bachelor's degree"),
    "master": ("硕士", "Master's degree"),
    "doctorate": ("博士", "Doctorate"),
}
MEMBER_STATUSES: Names = {
    "pending": ("待核实", "Awaiting verification"),
    "verified": ("已核实", "Verified"),
    "rejected": ("核实未通过", "Verification failed"),
    "withdrawn": ("已退出", "Withdrawn"),
}
TOPICS: Names = {
    "registration": ("登记咨询", "Registering"),
    "matching": ("择偶与介绍", "Finding a match"),
    "relationship": ("交往与情感", "Dating and relationships"),
    "family": ("家庭与父母", "Family and parents"),
    "follow_up": ("回访跟进", "Follow-up"),
    "other": ("其他", "Other"),
}
OUTCOMES: Names = {
    "pending": ("待见面", "Not met yet"),
    "met": ("已见面", "Met"),
    "dating": ("交往中", "Dating"),
    "married": ("已结婚", "Married"),
    "ended": ("已结束", "Ended"),
}
VERIFICATION_RESULTS: Names = {"verified": ("核实通过", "Verified"),
                               "rejected": ("核实未通过", "Rejected")}
FIGURE_LABELS: Names = {
    "registered": ("新登记", "Registered"),
    "verified": ("核实通过", "Verified"),
    "rejected": ("核实未通过", "Verification failed"),
    "consultations": ("电话咨询", "Phone consultations"),
    "introductions": ("牵线介绍", "Introductions"),
    "met": ("见面", "Met"),
    "dating": ("交往", "Dating"),
    "married": ("结婚", "Married"),
    "ended": ("结束", "Ended"),
}
CASE_STATES = ("received", "resolved", "returned", "recalled")
ACTIVITY_ENTITIES = ("member", "consultation", "introduction", "case")

