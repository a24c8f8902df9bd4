"""What the fund's codes are called, in Chinese (first) and English."""
from collections.abc import Mapping

Labels = Mapping[str, tuple[str, str]]

CAT_STATUSES: Labels = {
    "in_shelter": ("在猫舍", "In the shelter"),
    "returned": ("已放归", "Returned to its territory"),
    "adopted": ("已被领养", "Adopted"),
    "deceased": ("已死亡", "Deceased"),
}
CAT_SEXES: Labels = {"male": ("公", "Male"), "female": ("母", "Female"),
                     "unknown": ("未知", "Unknown")}
CASE_STATUSES: Labels = {
    "accepted": ("已受理", "Accepted"),
    "in_progress": ("办理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已撤回", "Recalled by intake"),
}


def label(table: Labels, key: str | None, lang: str = "zh") -> str | None:
    """``key``'s name in ``lang`` (the code itself when the table does not know it)."""
    names = table.get(key)
    if names is None:
        return key
    return names[1] if lang == "en" else names[0]
