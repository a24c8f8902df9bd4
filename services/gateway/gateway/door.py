"""The gateway's door (``minzi.door``): how a request refused because too many are waiting is
answered, in the caller's language and, on Open311's routes, in Open311's error shape and
format.

The routes are served by ``minzi.http_server``, which closes idle connections.
"""
from werkzeug.wrappers import Request, Response

from minzi.door import BUSY_RETRY_SECONDS, DEFAULT_MAX_WAITING_REQUESTS, BoundedHttp, DoorCount
from minzi.i18n import pick

from . import open311
from .answers import error, language

__all__ = ["DEFAULT_MAX_WAITING_REQUESTS", "DoorCount", "busy", "http"]

BUSY_WORDS = ("当前请求过多，本次请求未被受理，请稍后重试",
              "Too many requests are waiting just now: this one was not taken; try again "
              "shortly")


class GatewayHttp(BoundedHttp):
    def refuse(self, request: Request) -> Response:
        return busy(request)


http = GatewayHttp.decorator


def busy(request: Request) -> Response:
    lang = language(request)
    zh, en = BUSY_WORDS
    if request.path.startswith(open311.PREFIX + "/"):
        # the format the route would have answered in: its extension's (JSON unless XML)
        fmt = "xml" if request.path.lower().endswith(".xml") else "json"
        response = open311.errors_response(503, pick(lang, zh, en), fmt)
    else:
        response = error(503, "busy", zh, en, lang)
    response.headers["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response
