"""The association's code lists, each code with its Chinese and English name."""
from minzi.i18n import Names

SIZE_CLASSES: Names = {
    "small": ("小型犬", "Small"),
    "medium": ("中型犬", "Medium"),
    "large": ("大型犬", "Large"),
}
SEXES: Names = {
    "male": ("公", "Male"),
    "female": ("母", "Female"),
}
MEMBER_STATES: Names = {
    "active": ("在会", "Member"),
    "left": ("已退会", "Left"),
}
DOG_STATES: Names = {
    "active": ("在养", "Kept"),
    "gone": ("已不在养（死亡、送养或迁出）", "No longer kept"),
}
OFFICES: Names = {
    "president": ("会长", "President"),
    "vice_president": ("副会长", "Vice-president"),
}
# how many of each office the association has at once (the seed: 会长1人、副会长2人)
SEATS = {"president": 1, "vice_president": 2}
REMINDER_KINDS: Names = {
    "vaccination": ("狂犬疫苗到期", "Rabies vaccination due"),
    "registration": ("养犬登记证到期", "Dog registration due"),
}
REMINDER_STATES: Names = {
    "to_call": ("待电话提醒", "To call"),
    "called": ("已提醒", "Called"),
}
# the complaints intake routes here (manifest.yaml)
COMPLAINTS: Names = {
    "dog_fouling": ("犬便", "Dog fouling"),
    "dog_barking": ("犬吠扰民", "Barking"),
    "dog_unleashed": ("遛狗不拴绳", "Dog walked without a leash"),
    "dog_bite": ("犬只伤人", "Dog bite"),
}
CASE_STATES: Names = {
    "received": ("办理中", "Being handled"),
    "resolved": ("已办结", "Resolved"),
    "returned": ("已退回", "Returned"),
    "recalled": ("已收回", "Taken back by intake"),
}
CASE_ACTIONS: Names = {
    "received": ("收到投诉", "Received"),
    "advised": ("告知就医和接种狂犬疫苗", "Advised to get rabies shots"),
    "linked": ("查明犬主", "Owner identified"),
    "talked": ("与犬主谈话", "Talked with the owner"),
    "warned": ("警告", "Warned"),
    "chased": ("催办", "Chased"),
    "escalated": ("超时升级", "Escalated"),
    "recalled": ("收回", "Recalled"),
    "resolved": ("办结", "Resolved"),
    "returned": ("退回", "Returned"),
}
# where a complaint the association cannot settle belongs
REFERRALS: Names = {
    "police": ("社区民警 / 派出所（报警电话110）",
               "The community police officer / police station (110)"),
    "rabies_clinic": ("狂犬病免疫预防门诊（被咬伤请24小时内就诊）",
                      "A rabies prevention clinic (within 24 hours of a bite)"),
    "property": ("和泓物业", "The property company (和泓物业)"),
    "city_management": ("城市管理综合执法（12345）", "City management enforcement (12345)"),
    "other": ("其他部门", "Another body"),
}
DOG_FLAGS: Names = {
    "no_current_vaccination": ("狂犬疫苗未在有效期内", "No current rabies vaccination"),
    "registration_expired": ("养犬登记证已过期", "Registration expired"),
}
