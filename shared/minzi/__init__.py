"""The library every Minzi service shares."""
import warnings

# eventlet warns on import that it is deprecated (nine lines on every service start and every
# minzi-ops call). nameko 2 runs on eventlet and nothing here can change that, so the notice tells
# a user of Minzi nothing they can act on. Filtered here, before anything of minzi imports
# eventlet (nameko does), by its text: its category is eventlet's own, not importable until then.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
