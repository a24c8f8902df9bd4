"""The volunteer grid's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

# the posts of the grid, from the top: the residents' committee director and deputies command
# (正副总指挥), each zone has a head and deputies (区长、副区长), each building a head (楼长),
# each door a head (楼门长)
LEVELS: Names = {
    "commander": ("总指挥", "Commander"),
    "deputy_commander": ("副总指挥", "Deputy commander"),
    "zone_head": ("区长", "Zone head"),
    "deputy_zone_head": ("副区长", "Deputy zone head"),
    "building_head": ("楼长", "Building head"),
    "door_head": ("楼门长", "Door head"),
}
# where each level's post is: the community (no place), a zone, a building or a door
PLACE_OF_LEVEL = {"commander": None, "deputy_commander": None, "zone_head": "zone",
                  "deputy_zone_head": "zone", "building_head": "building", "door_head": "door"}
# a post one volunteer holds at a time; deputies may be several
SINGLE_HOLDER = ("commander", "zone_head", "building_head", "door_head")
END_REASONS: Names = {
    "replaced": ("已由他人接任", "Replaced"),
    "stepped_down": ("卸任", "Stepped down"),
}
DUTY_KINDS: Names = {
    "patrol": ("治安巡逻", "Patrol"),
    "event_stewarding": ("活动值守", "Event stewarding"),
    "notice_delivery": ("通知送达", "Notices delivery"),
    "visit": ("入户走访", "Home visits"),
    "cleanup": ("环境清洁", "Clean-up"),
    "other": ("其他", "Other"),
}
SKILLS: Names = {
    "patrol": ("巡逻", "Patrol"),
    "first_aid": ("急救", "First aid"),
    "medical": ("医护", "Medical"),
    "legal": ("法律", "Law"),
    "repair": ("维修", "Repairs"),
    "language": ("外语", "Languages"),
    "computer": ("电脑", "Computers"),
    "culture": ("文艺", "Arts"),
    "driving": ("驾驶", "Driving"),
    "other": ("其他", "Other"),
}
CASE_STATES: Names = {
    "received": ("办理中", "In progress"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
CASE_ACTIONS: Names = {
    "received": ("收到诉求", "Received"),
    "enrolled": ("登记为志愿者", "Enrolled as a volunteer"),
    "forwarded": ("转给楼长", "Forwarded to the building head"),
    "progress": ("办理进展", "Progress"),
    "chased": ("催办", "Chased"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("收回", "Recalled"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
