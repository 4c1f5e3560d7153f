"""The measures that keep intake latency low under a storm: start-up objects kept out of the garbage collector's
full passes. (Tests for notifier/intake/checkpoint.py are still to be written: a first draft hung, see the report.)"""

import gc

from tests.intake.conftest import generic, post_alert


def test_the_first_alert_freezes_the_start_up_heap(client):
    assert post_alert(client, "generic", generic("gc-1")).status_code == 202
    assert gc.get_freeze_count() > 0
