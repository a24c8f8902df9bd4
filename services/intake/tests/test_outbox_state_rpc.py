"""Intake tells ops' metrics what its outbox still holds, as every program does."""
from nameko.testing.services import entrypoint_hook

from minzi.testing import wait_for

from intake.service import IntakeService


def test_intake_tells_what_its_outbox_still_holds(program_container):
    container = program_container(IntakeService, BOOTSTRAP_ADMIN_PASSWORD="pw-12345678",
                                  COMMUNITIES="rainbow-city:彩虹城社区:Rainbow City")
    with entrypoint_hook(container, "outbox_state") as outbox_state:
        # what it published at start (asking programs to announce themselves) has left
        assert wait_for(lambda: outbox_state()["pending"] == 0)
        assert outbox_state() == {"pending": 0, "unroutable": 0, "oldest_seconds": 0.0}
