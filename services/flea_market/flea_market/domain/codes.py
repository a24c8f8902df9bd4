"""The flea market's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

MARKET_STATES: Names = {
    "planned": ("筹备中", "Planned"),
    "held": ("已举办", "Held"),
    "cancelled": ("已取消", "Cancelled"),
}
SIGNUP_STATES: Names = {
    "signed_up": ("已报名", "Signed up"),
    "cancelled": ("已取消", "Cancelled"),
}
MARKET_ACTIONS: Names = {
    "planned": ("安排市场", "Planned"),
    "held": ("已举办，登记人数", "Held; head count recorded"),
    "cancelled": ("取消市场", "Cancelled"),
    "signup": ("摊位报名", "A stall signed up"),
    "signup_cancelled": ("摊位取消", "A stall cancelled"),
}
CASE_ACTIONS: Names = {
    "received": ("收到诉求", "Received"),
    "chased": ("受理窗口催办", "Chased by intake"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("受理窗口收回", "Recalled by intake"),
    "signed_up": ("代为报名摊位", "Signed up for a stall"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
STALL_REQUEST = "flea_market_stall"      # "I want a stall at the next market"
SWAP_QUESTION = "flea_market_swap"       # a question about swapping or giving things
