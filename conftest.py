# nameko 2.14's pytest plugin no longer monkey-patches eventlet; a test that starts a service
# container hangs without it, so it happens here, before anything else is imported.
import eventlet

eventlet.monkey_patch()
