"""Where the regime files, templates and migrations are: inside the installed package, or the source checkout.

The wheel carries workflows/, templates/ and migrations/ as notifier/_resources/ (pyproject.toml); a source checkout
or an editable install has them at the repository's top level. NOTIFIER_WORKFLOWS_DIR and NOTIFIER_TEMPLATES_DIR
override the first two (notifier/config.py).
"""

from importlib.resources import files
from pathlib import Path

NAMES = ("workflows", "templates", "migrations")
_SOURCE_ROOT = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Path:
    if name not in NAMES:
        raise ValueError(f"unknown resource folder {name!r}")
    packaged = files("notifier").joinpath("_resources", name)
    if packaged.is_dir():
        # An installed wheel is unpacked on disk; Alembic and Jinja need real paths, so no as_file() copy.
        return Path(str(packaged))
    return _SOURCE_ROOT / name
