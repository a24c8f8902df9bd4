"""schemathesis hooks for test_fuzz_openapi.py: the SMS gateway's webhooks are given their
shared secret in the query, as the SMS gateway sends it, so what they take in is fuzzed too."""
import os

import schemathesis

WEBHOOKS = ("/sms_broadcast/inbound", "/sms_broadcast/delivery")


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.path.endswith(WEBHOOKS):
        case.query = {**(case.query or {}), "secret": os.environ["FUZZ_INBOUND_SECRET"]}
