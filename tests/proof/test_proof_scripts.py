"""Short variants of proof/crash_test.py and proof/restart_test.py on the test database (SQLite, or PostgreSQL when
NOTIFIER_TEST_DATABASE_URL is set). The full runs (5 kills over 40 s, ...) are the scripts themselves."""

from proof import crash_test, restart_test


def test_sigkill_under_load_loses_no_acknowledged_alert_and_stores_none_twice(db_url, tmp_path, capsys):
    problems = crash_test.run(db_url, kills=3, seconds=12, concurrency=8, workdir=tmp_path)
    out = capsys.readouterr().out
    assert problems == [], out
    assert "missing: 0; stored more than once: 0" in out


def test_steps_that_fell_due_while_down_go_out_once_after_start_marked_late(db_url, tmp_path, capsys):
    problems = restart_test.run(db_url, down_hours=26, workdir=tmp_path)
    out = capsys.readouterr().out
    assert problems == [], out
    assert "['before:12h', 'before:4h', 'before:1h', 'at']" in out
