"""The legal-aid home's reference lists: codes with their Chinese and English names (a code's
name in the reader's language is ``minzi.i18n.label``)."""
from minzi.i18n import Names

PROGRAM_ID = "legal_aid"
PROGRAM_NAME = {"zh": "普法互助家园", "en": "Legal-aid home"}

AREAS_OF_LAW: Names = {
    "labour": ("劳动争议", "Labour dispute"),
    "tenancy": ("房屋租赁", "Tenancy"),
    "family": ("婚姻家庭", "Marriage and family"),
    "inheritance": ("继承", "Inheritance"),
    "contract": ("合同纠纷", "Contract dispute"),
    "consumer": ("消费维权", "Consumer rights"),
    "neighbour": ("邻里纠纷", "Neighbour dispute"),
    "property_management": ("物业纠纷", "Property management"),
    "personal_injury": ("人身损害", "Personal injury"),
    "traffic": ("交通事故", "Traffic accident"),
    "social_security": ("社会保险", "Social insurance"),
    "migrant": ("流动人口权益", "Migrants' rights"),
    "administrative": ("行政事务", "Administrative matters"),
    "criminal": ("刑事", "Criminal"),
    "other": ("其他", "Other"),
}
OUTCOMES: Names = {
    "solved": ("已解决", "Solved"),
    "advised": ("已提供法律意见", "Advised"),
    "referred": ("已转介", "Referred"),
    "pending": ("待跟进", "Pending"),
}
# the area of law a case's service type implies, when its attributes do not say
SERVICE_AREAS = {
    "labour_dispute": "labour",
    "tenancy_dispute": "tenancy",
    "family_dispute": "family",
    "migrant_legal_help": "migrant",
}
OPEN_CASE = ("accepted", "booked")
CASE_STATUSES: Names = {
    "accepted": ("已受理", "Accepted"),
    "booked": ("已预约咨询", "Consultation booked"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已撤回", "Recalled by intake"),
}
LECTURE_STATUSES: Names = {
    "planned": ("计划中", "Planned"),
    "held": ("已举办", "Held"),
    "cancelled": ("已取消", "Cancelled"),
}
