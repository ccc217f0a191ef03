"""Write each tap's Meltano plugin file from the tap itself, so its settings are stated once.

    .venv/bin/python scripts/plugin_files.py          # rewrite plugins/extractors/tap-*.meltano.yml
    .venv/bin/python scripts/plugin_files.py --check  # exit 1 if a file is stale (CI runs this check)
    .venv/bin/python scripts/plugin_files.py --definitions dist   # dist/tap-*.meltano.yml

The plugin files of this project install each tap editable from its folder. `--definitions`
writes, for another Meltano project, each tap's plugin definition installing it by name
(`meltano add extractor tap-calendly --from-ref dist/tap-calendly.meltano.yml`).

The settings (name, Meltano `kind`, default `value`, label, description, sensitivity), the
required ones and the capabilities come from the tap's `--about` (its config schema, the SDK's
built-in settings included); the job `<api>-duckdb` and schedule `<api>-daily` from its name.
Edit the tap, then run this script.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
import typing as t
from pathlib import Path

import yaml
from script_support import tap_class

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins" / "extractors"
TAPS = ("tap-calendly", "tap-luma", "tap-float", "tap-savvycal", "tap-oncehub")


def meltano_setting(name: str, schema: dict[str, t.Any]) -> dict[str, t.Any]:
    """A Meltano setting definition for one property of a tap's config schema."""
    types = schema.get("type") or []
    types = [types] if isinstance(types, str) else list(types)
    setting: dict[str, t.Any] = {"name": name}
    if schema.get("secret"):
        setting.update(kind="string", sensitive=True)
    elif "enum" in schema:
        setting.update(kind="options", options=[{"label": str(v), "value": v} for v in schema["enum"] if v is not None])
    elif "boolean" in types:
        setting["kind"] = "boolean"
    elif "integer" in types:
        setting["kind"] = "integer"
    elif "number" in types:
        setting["kind"] = "decimal"
    elif "object" in types:
        setting["kind"] = "object"
    elif "array" in types:
        setting["kind"] = "array"
    elif schema.get("format") == "date-time":
        setting["kind"] = "date_iso8601"
    else:
        setting["kind"] = "string"
    if schema.get("title"):
        setting["label"] = schema["title"]
    if schema.get("description"):
        setting["description"] = " ".join(str(schema["description"]).split())
    if "default" in schema and schema["default"] is not None:
        setting["value"] = schema["default"]
    return setting


def extractor(tap: str, pip_url: str) -> dict[str, t.Any]:
    """The Meltano extractor definition of ``tap``, installed with ``pip_url``."""
    cls = tap_class(tap)
    schema = dict(cls.config_jsonschema)
    schema["properties"] = dict(schema.get("properties") or {})
    cls.append_builtin_config(schema)
    return {
        "name": tap,
        "namespace": tap.replace("-", "_"),
        "pip_url": pip_url,
        "executable": tap,
        "capabilities": [str(c) for c in cls.capabilities],
        "settings_group_validation": [list(schema.get("required") or [])],
        "settings": [meltano_setting(n, s) for n, s in schema["properties"].items()],
    }


def plugin_file(tap: str) -> str:
    """The text of ``plugins/extractors/<tap>.meltano.yml``."""
    cls = tap_class(tap)
    api = tap.removeprefix("tap-")
    definition = {
        "plugins": {"extractors": [extractor(tap, f"-e ./taps/scheduling-taps-common -e ./taps/{tap}")]},
        "jobs": [{"name": f"{api}-duckdb", "tasks": [f"{tap} target-duckdb"]}],
        "schedules": [{"name": f"{api}-daily", "interval": "@daily", "job": f"{api}-duckdb"}],
    }
    header = (
        f"# {tap}: {(cls.__doc__ or '').strip().splitlines()[0]} Docs: taps/{tap}/README.md\n"
        f"# Written by scripts/plugin_files.py from the tap's own settings: edit the tap, then run it.\n"
    )
    return header + yaml.safe_dump(definition, sort_keys=False, width=100, allow_unicode=True)


def definition_file(tap: str) -> str:
    """A plugin definition for another Meltano project: the tap installed by name and version."""
    version = importlib.metadata.version(tap)
    text = yaml.safe_dump(extractor(tap, f"{tap}~={version}"), sort_keys=False, width=100, allow_unicode=True)
    return f"# {tap} {version}: `meltano add extractor {tap} --from-ref <this file>`\n{text}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the plugin files, report the stale ones (``--check``), or write definitions."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only report stale files")
    parser.add_argument("--definitions", type=Path, metavar="DIR", help="write the taps' plugin definitions to DIR")
    args = parser.parse_args(argv)
    if args.definitions is not None:
        for tap in TAPS:
            (args.definitions / f"{tap}.meltano.yml").write_text(definition_file(tap))
        return 0
    stale = []
    for tap in TAPS:
        path = PLUGINS / f"{tap}.meltano.yml"
        text = plugin_file(tap)
        if path.exists() and path.read_text() == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(text)
    if args.check and stale:
        print(f"stale: {', '.join(map(str, stale))}; run `.venv/bin/python scripts/plugin_files.py`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
