"""Co-building's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

UNIT_KINDS: Names = {
    "enterprise": ("企业", "Enterprise"),
    "hospital": ("医院", "Hospital"),
    "school": ("学校", "School"),
    "public_body": ("机关事业单位", "Public body"),
    "property": ("物业公司", "Property company"),
    "other": ("其他", "Other"),
}
DIRECTIONS: Names = {
    "community": ("社区承诺", "The community's commitment"),
    "unit": ("单位承诺", "A unit's commitment"),
}
COMMITMENT_STATUSES: Names = {
    "committed": ("已承诺", "Committed"),
    "reported": ("已报完成，待核实", "Reported done, to be verified"),
    "verified": ("已核实完成", "Verified done"),
}
ISSUE_KINDS: Names = {
    "solvable": ("可解决", "Solvable"),
    "coordination": ("需协调", "Needs coordination"),
}
ISSUE_STATES: Names = {
    "unsorted": ("待分类", "Not yet sorted"),
    "open": ("办理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
# the six parties of a joint meeting (六方联席会 / 六方会诊), every one of which must be there
PARTIES: Names = {
    "npc_deputies": ("人大代表", "NPC deputies"),
    "residents": ("居民代表", "Resident representatives"),
    "street": ("街道领导", "Street leaders"),
    "committees": ("社区两委", "The community's two committees"),
    "property": ("物业公司", "Property companies"),
    "units": ("辖区单位", "Local units"),
}
ISSUE_ACTIONS: Names = {
    "received": ("收到诉求", "Received"),
    "sorted": ("分类", "Sorted"),
    "assigned": ("交责任单位办理", "Assigned to a unit"),
    "progress": ("办理进展", "Progress"),
    "supervised": ("督办", "Supervised"),
    "reminded": ("超期督办提醒", "Overdue: reminded"),
    "meeting": ("提交联席会", "Taken to a joint meeting"),
    "chased": ("催办", "Chased"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("收回", "Recalled"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
