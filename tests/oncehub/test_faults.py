"""OnceHub's own rate limit; the faults every tap shares are in tests/common/test_fault_matrix.py."""

from __future__ import annotations

from support.singer import run_tap, sandbox_config


def test_the_apis_own_rate_limit_answer_is_waited_out_when_pacing_is_off(start_fake):
    fake = start_fake("oncehub", seed=5, scale=0.1)
    run = run_tap("tap-oncehub", sandbox_config("tap-oncehub", fake, max_requests_per_second=0))
    assert run.returncode == 0, run.stderr
    limited = [r for r in fake.requests if r.status == 429]
    assert limited, "without pacing the fake's 5/s limit must be hit"
    for stream, records in fake.data.lists.items():
        assert len(run.records[stream]) == len(records), stream
