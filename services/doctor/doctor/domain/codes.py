"""片儿医's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

SEXES: Names = {
    "female": ("女", "Female"),
    "male": ("男", "Male"),
}
CONSENT_METHODS: Names = {
    "signed_form": ("书面签字同意", "Signed consent form"),
    "verbal_witnessed": ("口头同意（有见证人）", "Verbal consent before a witness"),
}
RECORD_STATES: Names = {
    "open": ("在档", "Open"),
    "withdrawn": ("已撤回同意，封存", "Consent withdrawn, closed"),
}
READING_KINDS: Names = {
    "blood_pressure": ("血压", "Blood pressure"),
    "glucose": ("血糖", "Blood glucose"),
}
SOURCES: Names = {
    "visit": ("门诊/随访", "Visit"),
    "clinic": ("义诊", "Free clinic"),
    "house_call": ("上门出诊", "House call"),
}
# what a free clinic day offers; a reading of a kind is taken only where it is offered
OFFERS: Names = {
    "blood_pressure": ("量血压", "Blood pressure"),
    "glucose": ("测血糖", "Blood glucose"),
    "consultation": ("健康咨询", "Health consultation"),
    "medication": ("用药指导", "Advice on medicines"),
}
CASE_STATES: Names = {
    "received": ("待接诊", "Waiting for a doctor"),
    "accepted": ("已接诊", "Accepted by a doctor"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
CASE_ACTIONS: Names = {
    "received": ("收到诉求", "Received"),
    "accepted": ("医生接诊", "Accepted"),
    "visited": ("上门/咨询", "Visited"),
    "chased": ("受理窗口催办", "Chased by intake"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("受理窗口收回", "Recalled by intake"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
RECORD_ACTIONS: Names = {
    "opened": ("建档（已记录同意）", "Opened, with consent recorded"),
    "updated": ("修改档案", "Updated"),
    "reading": ("记录测量结果", "Reading recorded"),
    "note": ("记录诊疗情况", "Visit note recorded"),
    "withdrawn": ("撤回同意，封存", "Consent withdrawn, closed"),
}
