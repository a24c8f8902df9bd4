"""The volunteer grid and the SMS broadcasts running together on one bus (RabbitMQ, each with
its own PostgreSQL database): a building head appointed in the volunteer grid reaches the SMS
broadcasts' grid, and so do a replacement and a head's new phone; the head texted there is
never typed twice."""
from minzi.testing import call_api, make_staff, wait_for

from sms_broadcast.service import SmsBroadcastService
from volunteer_grid.service import VolunteerGridService

GRID_STAFF = make_staff("program_staff", program_id="volunteer_grid", name="刘主任",
                        username="liu")
SMS_STAFF = make_staff("program_staff", program_id="sms_broadcast", name="李", username="li")


def test_an_appointment_in_the_volunteer_grid_reaches_the_sms_broadcasts(program_container):
    sms = program_container(SmsBroadcastService, PROGRAM_COMMUNITIES="rainbow-city")
    volunteer_grid = program_container(VolunteerGridService)

    def grid_call(method, path, body=None):
        answer = call_api(volunteer_grid, method, path, body, staff=GRID_STAFF)
        assert answer["status"] in (200, 201), answer
        return answer["body"]

    def texted_heads():
        answer = call_api(sms, "GET", "/buildings", staff=SMS_STAFF)
        return {b["name"]: (b["zone"], b["head_name"], b["head_phone"], b["updated_by"])
                for b in answer["body"]}

    zone = grid_call("POST", "/zones", {"name": "一区"})
    building = grid_call("POST", "/buildings", {"zone_id": zone["id"], "name": "5号楼"})
    wang = grid_call("POST", "/volunteers", {"name": "王芳", "phone": "13900000001",
                                             "building_id": building["id"]})
    li = grid_call("POST", "/volunteers", {"name": "李强", "phone": "13900000002",
                                           "building_id": building["id"]})
    grid_call("POST", "/posts", {"level": "building_head", "place_id": building["id"],
                                 "volunteer_id": wang["id"]})
    assert wait_for(lambda: texted_heads().get("5号楼"),
                    message="the building head to reach the SMS broadcasts") == (
        "一区", "王芳", "13900000001", "志愿者网格")

    grid_call("POST", "/posts", {"level": "building_head", "place_id": building["id"],
                                 "volunteer_id": li["id"], "note": "王芳搬家"})
    assert wait_for(lambda: texted_heads()["5号楼"][1] == "李强" and texted_heads()["5号楼"],
                    message="the replacement to reach the SMS broadcasts") == (
        "一区", "李强", "13900000002", "志愿者网格")
    grid_call("PATCH", f"/volunteers/{li['id']}", {"phone": "13700000002"})
    assert wait_for(lambda: texted_heads()["5号楼"][2] == "13700000002",
                    message="the head's new phone to reach the SMS broadcasts")
    # the volunteer grid keeps both holdings, the SMS broadcasts the head now
    history = grid_call("GET", f"/buildings/{building['id']}")["history"]
    assert [(h["name"], h["end_reason"]) for h in history] == [("王芳", "replaced"),
                                                               ("李强", None)]
