"""SavvyCal returns each webhook's signing secret; tap-savvycal passes it on nowhere."""

from __future__ import annotations

import json

import requests

from tap_savvycal.tap import TapSavvyCal


def test_webhook_secrets_reach_no_record_schema_or_log_line(start_fake, run_savvycal, monkeypatch):
    fake = start_fake("savvycal", seed=4, scale=0.2)
    secrets = [hook["secret"] for hook in fake.data.webhook_records()]
    assert secrets and all(secrets)
    # The most talkative log level, and the console script, so every log line is captured.
    monkeypatch.setenv("TAP_SAVVYCAL_LOGLEVEL", "DEBUG")
    run = run_savvycal(fake, cli=True)
    assert run.returncode == 0, run.stderr[-2000:]

    # The secrets were served (so the test can fail), and the webhooks were synced without them.
    served = fake.requests_to("^/v1/webhooks$")
    assert served and {r.status for r in served} == {200}
    stream = TapSavvyCal(config={"api_key": "k"}).streams["webhooks"]
    records = run.records[stream.name]
    assert [r["id"] for r in records] == [h["id"] for h in fake.data.webhook_records()]
    assert all("secret" not in record for record in records)
    assert "secret" not in run.schemas[stream.name]["properties"]
    assert "secret" not in stream.schema["properties"]

    everything = json.dumps(run.messages) + run.stderr
    leaked = [secret for secret in secrets if secret in everything]
    assert not leaked, f"{len(leaked)} webhook secrets appear in the tap's output"


def test_a_webhook_answer_with_more_withheld_data_still_drops_the_secret(start_fake, run_savvycal):
    # Whatever else a webhook carries, the secret is removed as the page is read.
    fake = start_fake("savvycal", seed=4, scale=0.05)
    hook = {**fake.data.webhook_records()[0], "secret": "whsec_do_not_leak_0123456789"}
    page = {"entries": [hook], "metadata": {"before": None, "after": None, "limit": 100}}
    fake.inject_fault(200, path="^/v1/webhooks$", body=page)
    run = run_savvycal(fake)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.records["webhooks"] == [{k: v for k, v in hook.items() if k != "secret"}]
    assert "whsec_do_not_leak" not in json.dumps(run.messages) + run.stderr


def test_the_secret_is_removed_as_the_page_is_read_before_any_other_step():
    # Not left to the schema's field filter: the records the stream parses never hold it.
    stream = TapSavvyCal(config={"api_key": "k"}).streams["webhooks"]
    hook = {"id": "wh_1", "url": "https://example.com/hook", "secret": "abc123", "state": "active",
            "version": "2020-11-18", "created_at": "2024-01-15T10:30:00Z"}
    response = requests.Response()
    response.status_code = 200
    page = {"entries": [hook], "metadata": {"before": None, "after": None, "limit": 100}}
    response._content = json.dumps(page).encode()
    response.headers["Content-Type"] = "application/json"
    response.url = "http://127.0.0.1/v1/webhooks"
    response.request = requests.Request("GET", response.url).prepare()
    assert list(stream.parse_response(response)) == [{k: v for k, v in hook.items() if k != "secret"}]
