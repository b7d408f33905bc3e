"""Docs as a contract: every command teaches with an example and is documented."""
from __future__ import annotations

from pathlib import Path

import click
import pytest

from presse_mining.cli import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from commands(command, prefix + name + " ")


@pytest.mark.parametrize("name,command", list(commands(cli)))
def test_every_command_has_help_with_an_example(name, command):
    if isinstance(command, click.Group):
        assert command.help, f"{name} has no help"
        return
    assert command.help and "Example" in command.help, f"`presse-mining {name}` needs a help text with an Example"


@pytest.mark.parametrize("name", [name for name, command in commands(cli) if " " not in name])
def test_every_command_is_documented(name):
    assert f"presse-mining {name}" in DOCS, f"`presse-mining {name}` is not in README.md or docs/"


def test_every_table_is_in_the_schema_doc(tmp_path):
    from presse_mining.store import Store

    schema_doc = (ROOT / "docs" / "schema.md").read_text(encoding="utf-8")
    with Store(tmp_path / "s.db") as store:
        tables = [t for t in store.db.table_names() if not t.startswith("articles_fts_")] + store.db.view_names()
    missing = [t for t in tables if f"**{t}**" not in schema_doc]
    assert not missing, f"tables missing from docs/schema.md: {missing}"
