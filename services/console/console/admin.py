"""The admin's pages: the community's staff accounts, its Open311 keys, its programs and their
bus accounts, and the record of who did what to accounts and keys. Only an admin (as
``/api/v1/me`` says) sees them; the API decides in the end and refuses anyone else. Each action
is a small POST form; what the API refuses is shown beside the field it names. A new key or bus
password is shown once, on the answer to the form that made it, and never again."""
import re

from werkzeug.wrappers import Response

from .app import Page, Redirect
from .staff import Refused, guarded, local_minute, render, staff_of

ROLES = ("receptionist", "handler", "station_head", "program_staff", "member_unit", "admin")
# the roles that belong to a program (intake refuses them without one)
PROGRAM_ROLES = ("handler", "program_staff", "member_unit")
ACTIONS = ("staff_created", "staff_deactivated", "password_changed", "api_key_created",
           "api_key_revoked")
# what a path may name: a key's id (the start of its hash) or a program's id, never a path of
# the API's own ("..", "%2F")
NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
DONE = ("staff_deactivated", "api_key_revoked", "program_unregistered", "staff_created")


def admin_of(page: Page) -> dict:
    """The logged-in admin; anyone else is shown a refusal without the API being asked."""
    me = staff_of(page)
    if me.get("role") != "admin":
        raise NotAdmin()
    return me


class NotAdmin(Exception):
    pass


def admin_page(handler):
    """An admin page: a non-admin is refused (403), and an API refusal becomes a page."""
    def page_handler(page: Page, **args) -> Response:
        try:
            return handler(page, **args)
        except NotAdmin:
            return render(page, "refused.html", status=403,
                          messages=[("error", page.t("admins_only"))])
    page_handler.__name__ = handler.__name__
    return guarded(page_handler)


def done_messages(page: Page) -> list:
    done = page.request.args.get("done")
    return [("ok", page.t(done))] if done in DONE else []


def refusal(page: Page, answer, known: tuple[str, ...]) -> tuple[list, dict, int]:
    """The API's refusal: its message on top, each field's problem for the form (a field the
    form does not have is named in the message list instead)."""
    if answer.status == 401:
        raise Refused(answer)
    message, fields = answer.problems()
    problems = {name: problem for name, problem in fields.items() if name in known}
    messages = [("error", message or page.t("refused_page"))]
    messages += [("error", f"{name}: {problem}") for name, problem in fields.items()
                 if name not in known]
    return messages, problems, answer.status


def listed(page: Page, path: str) -> list:
    answer = page.call("GET", path)
    if not answer.ok:
        raise Refused(answer)
    return answer.body


# -- staff accounts -------------------------------------------------------------------------------

STAFF_FIELDS = ("username", "name", "role", "program_id", "password")


def programs_of(page: Page) -> list[dict]:
    answer = page.call("GET", "/api/v1/programs")
    return answer.body if answer.ok and isinstance(answer.body, list) else []


def staff_page(page: Page, status: int = 200, messages=None, problems=None,
               values=None) -> Response:
    return render(page, "admin_staff.html", status=status,
                  messages=(messages or []) + done_messages(page),
                  people=listed(page, "/api/v1/staff"), problems=problems or {},
                  values=values or {}, roles=ROLES, program_roles=PROGRAM_ROLES,
                  programs=programs_of(page), me_id=page.me.get("id"))


@admin_page
def admin_staff(page: Page) -> Response:
    admin_of(page)
    if page.request.method == "GET":
        return staff_page(page)
    form = page.request.form
    values = {name: form.get(name, "").strip() for name in STAFF_FIELDS if name != "password"}
    body = {**{k: v for k, v in values.items() if v}, "password": form.get("password", "")}
    answer = page.call("POST", "/api/v1/staff", json=body)
    if answer.ok:
        raise Redirect("/admin/staff?done=staff_created")
    messages, problems, status = refusal(page, answer, STAFF_FIELDS)
    return staff_page(page, status, messages, problems, values)


@admin_page
def admin_deactivate(page: Page, staff_id: int) -> Response:
    admin_of(page)
    answer = page.call("POST", f"/api/v1/staff/{staff_id}/deactivate")
    if answer.ok:
        raise Redirect("/admin/staff?done=staff_deactivated")
    messages, _, status = refusal(page, answer, ())
    return staff_page(page, status, messages)


# -- Open311 keys ---------------------------------------------------------------------------------

def keys_page(page: Page, status: int = 200, messages=None, problems=None, values=None,
              new_key: dict | None = None) -> Response:
    return render(page, "admin_keys.html", status=status,
                  messages=(messages or []) + done_messages(page),
                  keys=listed(page, "/api/v1/api-keys"), problems=problems or {},
                  values=values or {}, new_key=new_key, minute=local_minute)


@admin_page
def admin_keys(page: Page) -> Response:
    admin_of(page)
    if page.request.method == "GET":
        return keys_page(page)
    name = page.request.form.get("name", "").strip()
    answer = page.call("POST", "/api/v1/api-keys", json={"name": name})
    if answer.ok:
        # the key itself is on this answer only (never in a URL, never kept: no-store)
        return keys_page(page, messages=[("ok", page.t("key_created"))], new_key=answer.body)
    messages, problems, status = refusal(page, answer, ("name",))
    return keys_page(page, status, messages, problems, {"name": name})


@admin_page
def admin_revoke_key(page: Page, key_id: str) -> Response:
    admin_of(page)
    if not NAME.match(key_id):
        return page.console.refusal(page, 404, page.t("refused_page"))
    answer = page.call("DELETE", f"/api/v1/api-keys/{key_id}")
    if answer.ok:
        raise Redirect("/admin/keys?done=api_key_revoked")
    messages, _, status = refusal(page, answer, ())
    return keys_page(page, status, messages)


# -- programs and their registrations -------------------------------------------------------------

REGISTRATION_FIELDS = ("program_id", "service_codes", "communities")


def programs_page(page: Page, status: int = 200, messages=None, problems=None, values=None,
                  registered: dict | None = None) -> Response:
    return render(page, "admin_programs.html", status=status,
                  messages=(messages or []) + done_messages(page), programs=programs_of(page),
                  registrations=listed(page, "/api/v1/program-registrations"),
                  problems=problems or {}, values=values or {}, registered=registered,
                  minute=local_minute)


@admin_page
def admin_programs(page: Page) -> Response:
    me = admin_of(page)
    if page.request.method == "GET":
        return programs_page(page)
    form = page.request.form
    values = {"program_id": form.get("program_id", "").strip(),
              "service_codes": form.get("service_codes", "").strip()}
    codes = [c for c in values["service_codes"].replace("，", ",").replace(",", " ").split() if c]
    answer = page.call("POST", "/api/v1/program-registrations", json={
        "program_id": values["program_id"], "communities": [me.get("community")],
        "service_codes": codes})
    if answer.ok:
        # the bus password is on this answer only
        return programs_page(page, messages=[("ok", page.t("program_registered"))],
                             registered=answer.body)
    messages, problems, status = refusal(page, answer, REGISTRATION_FIELDS)
    return programs_page(page, status, messages, problems, values)


@admin_page
def admin_unregister(page: Page, program_id: str) -> Response:
    admin_of(page)
    if not NAME.match(program_id):
        return page.console.refusal(page, 404, page.t("refused_page"))
    answer = page.call("DELETE", f"/api/v1/program-registrations/{program_id}")
    if answer.ok:
        raise Redirect("/admin/programs?done=program_unregistered")
    messages, _, status = refusal(page, answer, ())
    return programs_page(page, status, messages)


# -- the account record ---------------------------------------------------------------------------

@admin_page
def admin_record(page: Page) -> Response:
    admin_of(page)
    return render(page, "admin_record.html", events=listed(page, "/api/v1/account-events"),
                  actions=ACTIONS, minute=local_minute)


ROUTES = [
    ("/admin/staff", ["GET", "POST"], admin_staff),
    ("/admin/staff/<int:staff_id>/deactivate", ["POST"], admin_deactivate),
    ("/admin/keys", ["GET", "POST"], admin_keys),
    ("/admin/keys/<key_id>/revoke", ["POST"], admin_revoke_key),
    ("/admin/programs", ["GET", "POST"], admin_programs),
    ("/admin/programs/<program_id>/delete", ["POST"], admin_unregister),
    ("/admin/record", ["GET"], admin_record),
]
