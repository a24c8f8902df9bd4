"""全程代理's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

# who finishes a step: the station itself, or the office outside it that the agent deals with
OFFICES: Names = {
    "station": ("社区服务站", "The service station"),
    "street": ("街道办事处", "The sub-district office (街道)"),
    "police": ("派出所", "The police station"),
    "social_security": ("街道社保所", "The social-security office (社保所)"),
    "district_hr": ("区人力社保局", "The district human-resources and social-security bureau"),
    "medical_insurance": ("医保中心", "The medical-insurance centre"),
    "disabled_federation": ("残联", "The disabled persons' federation"),
    "housekeeping_firm": ("签约家政公司", "A contracted housekeeping firm"),
}
STEP_KINDS: Names = {
    "eligibility": ("资格核验", "Eligibility"),
    "documents": ("核对材料", "Documents"),
    "submit": ("报送", "Submission"),
    "wait": ("等待办理", "Waiting on the office"),
    "collect": ("领取结果", "Result collected"),
    "hand_over": ("交给居民", "Handed to the resident"),
}
# a matter's stage, as lists and figures count it
STAGES: Names = {
    "waiting": ("待接手", "Waiting for an agent"),
    "working": ("代理中", "Being worked"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
STEP_STATES: Names = {
    "done": ("已完成", "Done"),
    "next": ("下一步", "Next"),
    "pending": ("未开始", "Not yet"),
}
ACTIONS: Names = {
    "received": ("收到", "Received"),
    "taken": ("接手代理", "Taken by an agent"),
    "document": ("收到材料", "Document received"),
    "applicant": ("登记身份证号", "ID number recorded"),
    "step": ("完成一步", "Step done"),
    "handed_off": ("转交代理员", "Handed to another agent"),
    "chased": ("受理窗口催办", "Chased by intake"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("受理窗口收回", "Recalled by intake"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
