"""What the fund's codes are called, in Chinese (first) and English (``minzi.i18n.label``
names a code in the reader's language)."""
from minzi.i18n import Names

CAT_STATUSES: Names = {
    "in_shelter": ("在猫舍", "In the shelter"),
    "returned": ("已放归", "Returned to its territory"),
    "adopted": ("已被领养", "Adopted"),
    "deceased": ("已死亡", "Deceased"),
}
CAT_SEXES: Names = {"male": ("公", "Male"), "female": ("母", "Female"),
                     "unknown": ("未知", "Unknown")}
CASE_STATUSES: Names = {
    "accepted": ("已受理", "Accepted"),
    "in_progress": ("办理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已撤回", "Recalled by intake"),
}

