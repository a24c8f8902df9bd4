"""The look every Minzi web page shares: one base layout (``templates/minzi/base.html``) and one
small stylesheet (``static/minzi.css``). A service with pages puts its own template folder first
and extends ``minzi/base.html``; it serves ``STATIC`` under its own assets path.

Jinja2 is imported only here, when a service asks for an environment: services without pages do
not install it."""
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def environment(template_dirs: Iterable[Path | str] = ()):
    """A Jinja2 environment that escapes every value (HTML-escaping on for every template, not
    only ``.html``), finds the service's templates first and minzi's base layout after them."""
    import jinja2
    loader = jinja2.FileSystemLoader([*(str(d) for d in template_dirs), str(TEMPLATES)])
    return jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True,
                              lstrip_blocks=True)
