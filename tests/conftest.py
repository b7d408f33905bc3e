"""Shared fixtures: real SQLite files in tmp_path, the seed corpus, the CLI runner."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def seeds(tmp_path) -> Path:
    """A copy of the five seed articles in a folder of their own."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    for path in sorted(CORPUS.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "presse.db"
