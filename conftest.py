# nameko 2.14's pytest plugin no longer monkey-patches eventlet; a test that starts a service
# container hangs without it, so it happens here, before anything else is imported.
import os

import eventlet

if not os.environ.get("MINZI_TESTS_WITHOUT_EVENTLET"):   # see minzi.pytest_plugin
    eventlet.monkey_patch()

# Imported now rather than by hypothesis' pytest plugin at the end of the run: compiling it that
# late, after eventlet's greenlets have run, trips CPython 3.11's AST recursion check
# ("SystemError: AST constructor recursion depth mismatch").
import hypothesis  # noqa: F401
