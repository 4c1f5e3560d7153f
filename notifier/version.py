"""The installed distribution's version (pyproject.toml), for `notifier --version`."""

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "meldplicht"


def installed_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
