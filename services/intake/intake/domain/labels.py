"""The words of the one window: roles, channels, a case's statuses and the actions on its record,
each with the label people read (Chinese first, English beside it), named by
``minzi.i18n.label``."""
from minzi.i18n import Names

# member_unit: a program's outside partner (a co-building member unit's contact), who reaches only
# the routes of its program that name the role; not one of the station's roles
ROLES = ("receptionist", "handler", "station_head", "program_staff", "admin", "member_unit")
ROLE_LABELS: Names = {"receptionist": ("接待员", "Receptionist"), "handler": ("承办人", "Handler"),
               "station_head": ("站长", "Station head"),
               "program_staff": ("项目工作人员", "Program staff"), "admin": ("管理员", "Admin"),
               "member_unit": ("共建单位联系人", "Member unit contact"),
               "ops": ("运维", "Ops")}   # the station's one ops account, made at start only
CHANNELS = ("visit", "phone", "letter", "web", "sms", "wechat", "qq", "mailbox", "open311")
CHANNEL_LABELS = {"visit": "来访", "phone": "电话", "letter": "信件", "web": "网上", "sms": "短信",
                  "wechat": "微信", "qq": "QQ", "mailbox": "书记信箱", "open311": "Open311"}
STATUS_LABELS: Names = {
    "awaiting_assignment": ("待站长分派", "Awaiting assignment"),
    "dispatched": ("已转交承办", "Dispatched"),
    "accepted": ("承办中", "In progress"),
    "resolved": ("已办结，待答复", "Resolved, reply pending"),
    "replied": ("已答复", "Replied"),
    "closed": ("已回访结案", "Closed after follow-up"),
    "out_of_scope": ("不属本站职责，已说明并转介", "Out of scope, referred"),
    "duplicate": ("重复诉求，已并案", "Duplicate, linked"),
}
ACTION_LABELS: Names = {
    "registered": ("受理登记", "Registered"), "dispatched": ("转交承办", "Dispatched"),
    "assigned": ("站长分派", "Assigned by the station head"),
    "accepted": ("承办人接收", "Accepted"),
    "accepted_on_behalf": ("首问责任人代为接收", "Accepted on the handler's behalf"),
    "progress": ("办理进展", "Progress"), "transferred": ("转办", "Transferred"),
    "chased": ("催办", "Chased"), "escalated": ("超时升级至站长", "Escalated to the station head"),
    "resolved": ("办结", "Resolved"), "replied": ("答复居民", "Replied to the resident"),
    "followed_up": ("回访", "Follow-up"), "reopened": ("重新办理", "Reopened"),
    "duplicate_linked": ("并入重复诉求", "Linked as a duplicate"),
    "duplicate_received": ("收到重复诉求", "A duplicate was linked"),
    "out_of_scope": ("说明并转介", "Closed as out of scope, referred"),
    "returned": ("承办方退回", "Returned by the program"),
    "program_gone": ("承办项目停止服务", "The program stopped serving"),
    "awaiting_assignment": ("交站长分派", "Sent to the station head"),
    "owner_taken": ("担任首问责任人", "Became the owner"),
    "urgency_raised": ("提高紧急程度", "Urgency raised"),
    "staff_told": ("已告知经办人员", "Staff told"),
}
URGENCY_LABELS: Names = {
    "emergency": ("紧急（2 小时）", "Emergency (2 hours)"),
    "utilities": ("水电气热（24 小时）", "Utilities (24 hours)"),
    "general": ("一般（7 天）", "General (7 days)"),
    "complex": ("疑难复杂（15 天）", "Complex (15 days)"),
}
OPEN_STATUSES = ("awaiting_assignment", "dispatched", "accepted", "resolved")
CHASEABLE = ("awaiting_assignment", "dispatched", "accepted")
CLOSED_FOR_OPEN311 = ("replied", "closed", "out_of_scope", "duplicate")
SMS_CHANNELS = ("sms", "phone", "wechat", "qq", "visit", "letter", "mailbox", "web", "open311")

