"""Every tap, run by Meltano with a wrong credential: a clear error, a non-zero exit, no secret."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("meltano_plugins")]


@pytest.mark.parametrize(
    ("api", "setting"),
    [
        ("calendly", "api_key"),
        ("luma", "api_key"),
        ("float", "api_token"),
        ("savvycal", "api_key"),
        ("oncehub", "api_key"),
    ],
)
def test_wrong_credential_through_meltano_fails_clearly_and_never_prints_it(start_fake, sandbox, api, setting):
    sandbox.fakes[api] = start_fake(api, seed=21, scale=0.05)
    secret = f"{api}-not-valid-9876543210-SECRET"
    sandbox.extra_env[f"TAP_{api.upper()}_{setting.upper()}"] = secret

    result = sandbox.run(f"tap-{api}", "target-duckdb")

    assert result.returncode != 0
    assert "HTTP 401" in result.output
    assert f"The API rejected the credential: check the `{setting}` setting" in result.output
    assert "Traceback" not in result.output
    assert secret not in result.output
