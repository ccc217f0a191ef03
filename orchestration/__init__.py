"""Many accounts per API: accounts as data, shared Meltano state on PostgreSQL, Dagster runs them.

Modules: :mod:`orchestration.accounts` (the accounts file and one account's ``meltano run``),
:mod:`orchestration.state` (the shared state backend), :mod:`orchestration.dagster_defs` (the
Dagster job, partitioned asset, sensor and schedule), :mod:`orchestration.runner` (run the job
and report per account), :mod:`orchestration.sandbox` (one fake API per account for the demo)
and :mod:`orchestration.cli` (``python -m orchestration``). See README.md in this folder.
"""
