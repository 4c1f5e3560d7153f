"""One module per tool; each exposes parse(body) -> Alert. ADAPTERS maps the {source} path part to it."""

from collections.abc import Callable
from typing import Any

from notifier.intake.adapters import elastic, generic, graylog, sentinel, splunk, thehive, wazuh
from notifier.intake.alert import Alert

ADAPTERS: dict[str, Callable[[Any], Alert]] = {
    "generic": generic.parse,
    "splunk": splunk.parse,
    "elastic": elastic.parse,
    "sentinel": sentinel.parse,
    "wazuh": wazuh.parse,
    "graylog": graylog.parse,
    "thehive": thehive.parse,
}
SOURCES = tuple(ADAPTERS)
