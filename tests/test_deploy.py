"""deploy/: the systemd units verify, and the example settings name real options."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.config import OPTIONS

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("passerelle@.service", "passerelle-backup@.service", "passerelle-backup@.timer")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    for name in UNITS:
        # The code where this checkout is (verify checks that ExecStart can run).
        text = (DEPLOY / name).read_text().replace("/opt/passerelle", str(ROOT))
        (tmp_path / name).write_text(text)
        (tmp_path / name.replace("@.", "@dumbea.")).symlink_to(tmp_path / name)
    instances = [str(tmp_path / name.replace("@.", "@dumbea.")) for name in UNITS]
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", *instances],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


def test_each_instance_has_its_own_files_and_a_configuration_error_does_not_loop() -> None:
    unit = (DEPLOY / "passerelle@.service").read_text()
    assert "EnvironmentFile=/etc/passerelle/%i.env" in unit
    assert "PASSERELLE_DB=/var/lib/passerelle/%i/" in unit
    assert "RestartPreventExitStatus=2" in unit  # the start's one-line errors exit with 2
    assert "ExecStart=/opt/passerelle/.venv/bin/python -m bot run" in unit


def test_the_example_settings_name_only_real_options() -> None:
    known = {variable for _, variable, _ in OPTIONS}
    example = (DEPLOY / "passerelle.env.example").read_text()
    named = set(re.findall(r"^#?([A-Z_]+)=", example, flags=re.MULTILINE))
    assert named and named <= known, named - known
