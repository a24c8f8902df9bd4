"""The hotline's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

# the categories of convenience service (seed: 养老、休闲、家电维修、家政服务 … 水站); each is
# also the service type of the same code in manifest.yaml (domestic_help, not housekeeping:
# the agency program offers that code for its own errand)
CATEGORIES: Names = {
    "domestic_help": ("家政服务", "Housekeeping"),
    "appliance_repair": ("家电维修", "Appliance repair"),
    "water_delivery": ("送水（水站）", "Water delivery"),
    "elderly_care": ("养老服务", "Elderly care"),
    "leisure": ("休闲服务", "Leisure"),
}
MERCHANT_STATUSES: Names = {
    "registered": ("已登记，待核验执照", "Registered, licence to be checked"),
    "vetted": ("执照已核验，待签协议", "Licence checked, agreement to be signed"),
    "offered": ("已签协议，向居民提供", "Signed: offered to residents"),
    "suspended": ("已暂停派单", "Suspended"),
}
JOB_STATES: Names = {
    "routed": ("已派单，待商户答复", "Routed, awaiting the merchant"),
    "accepted": ("商户已接单", "Accepted"),
    "came": ("商户已上门", "The merchant came"),
    "done": ("已完成", "Done"),
    "declined": ("商户已拒单", "Declined"),
    "withdrawn": ("已撤回（受理窗口收回来电）", "Withdrawn: intake took the call back"),
}
RESPONSES = ("accepted", "came", "done", "declined")
CASE_STATES: Names = {
    "received": ("办理中", "Being handled"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
CASE_ACTIONS: Names = {
    "received": ("收到来电", "Call received"),
    "routed": ("派单给商户", "Routed to a merchant"),
    "accepted": ("商户接单", "The merchant accepted"),
    "came": ("商户上门", "The merchant came"),
    "done": ("服务完成", "Service done"),
    "declined": ("商户拒单", "The merchant declined"),
    "rated": ("居民评价", "The resident's rating"),
    "chased": ("催办", "Chased"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("收回", "Recalled"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
