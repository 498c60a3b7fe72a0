"""docs/deploy.md: every block marked runnable runs, and every variable the settings read
is documented. The blocks' environment is the one the document describes at its top."""

import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
FENCE = re.compile(r"^```(?P<info>[^`\n]*)\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    line: int
    words: list[str]
    body: str

    @property
    def is_runnable(self) -> bool:
        return "runnable" in self.words

    @property
    def needs(self) -> list[str]:
        return [word.removeprefix("needs=") for word in self.words if word.startswith("needs=")]


def blocks() -> list[Block]:
    text = DOC.read_text()
    return [
        Block(text.count("\n", 0, match.start()) + 1, match["info"].split(), match["body"])
        for match in FENCE.finditer(text)
    ]


def environment(tmp_path: Path) -> dict[str, str]:
    """What the top of docs/deploy.md promises a runnable block, and nothing else."""
    site = tmp_path / "site"
    site.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    venv_bin = Path(sys.executable).parent
    return {
        "SITE_DIR": str(ROOT),
        "PATH": os.pathsep.join([str(venv_bin), os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DATABASE_URL": f"sqlite:///{site / 'db.sqlite3'}",
        "MEDIA_ROOT": str(site / "media"),
        "STATIC_ROOT": str(site / "staticfiles"),
        "CACHE_DIR": str(site / "cache"),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CONSENT_RECORD_KEY": secrets.token_urlsafe(50),
        "SITE_URL": "https://nyheter.example.se",
        "CSRF_TRUSTED_ORIGINS": "https://nyheter.example.se",
        "ALLOWED_HOSTS": "nyheter.example.se",
        "SECURE_PROXY_SSL_HEADER": "1",
        "SECURE_HSTS_PRELOAD": "1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "HOME": str(home),
        "LANG": "C.UTF-8",
    }


def test_runnable_blocks_are_marked_one_way():
    found = blocks()
    assert len([block for block in found if block.is_runnable]) >= 8
    # A misspelt or misplaced marker would silently leave a block out.
    for block in found:
        if any("run" in word.lower() for word in block.words):
            assert block.words[:2] == ["sh", "runnable"], f"line {block.line}: {block.words}"
            assert all(word.startswith("needs=") for word in block.words[2:]), block.line


def test_every_runnable_block_runs(tmp_path):
    env = environment(tmp_path)
    for block in [block for block in blocks() if block.is_runnable]:
        missing = [
            program for program in block.needs if shutil.which(program, path=env["PATH"]) is None
        ]
        if missing:
            # Said in the document: such a block is skipped where the program is absent.
            print(f"line {block.line}: skipped, {', '.join(missing)} not installed")
            continue
        workdir = tmp_path / f"block-{block.line}"
        workdir.mkdir()
        result = subprocess.run(
            ["bash", "-c", "set -euo pipefail\n" + block.body],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, (
            f"The block at docs/deploy.md line {block.line} failed ({result.returncode}):\n"
            f"{block.body}\n--- stdout\n{result.stdout[-3000:]}\n"
            f"--- stderr\n{result.stderr[-3000:]}"
        )


def test_every_environment_variable_the_settings_read_is_documented():
    settings_source = (ROOT / "adda_site" / "settings.py").read_text()
    doc = DOC.read_text()
    # The README test's pattern, the rate limits' reader too, and what libraries read.
    names = set(re.findall(r'(?:environ\.get|env_list|env_rate)\("([A-Z_]+)"', settings_source))
    names |= {"DATABASE_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    assert len(names) > 40
    assert {name for name in names if f"`{name}`" not in doc} == set()


def test_the_document_is_linked_from_the_readme():
    assert "(docs/deploy.md)" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("path", ["deploy/nginx.conf", "requirements/production.txt"])
def test_files_the_document_names_exist(path):
    assert path in DOC.read_text()
    assert (ROOT / path).is_file()
