"""Territory packs: valid, complete in English, facts only from FACTS.md, clear errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.territory import ContentError, content_root, load_pack, pack_warnings

PACKS = ("dumbea", "kremlin-bicetre")
FACTS = Path(__file__).resolve().parents[2] / "shared" / "FACTS.md"


@pytest.mark.parametrize("name", PACKS)
def test_shipped_packs_load_without_warnings(name: str) -> None:
    pack = load_pack(content_root() / name)
    assert pack_warnings(pack) == []
    assert pack.emergency_numbers()


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


@pytest.mark.skipif(not FACTS.exists(), reason="shared/FACTS.md is not beside this checkout")
@pytest.mark.parametrize("name", PACKS)
def test_every_phone_number_comes_from_facts(name: str) -> None:
    facts = FACTS.read_text(encoding="utf-8")
    section = (
        facts.split("## New Caledonia")[1]
        if name == "dumbea"
        else facts.split("## New Caledonia")[0]
    )
    known = {_digits(m) for m in re.findall(r"\b\d[\d ]{1,14}\d\b|\b\d{2}\b", section)}
    pack = load_pack(content_root() / name)
    numbers = [n.number for n in pack.numbers.numbers]
    numbers += [p.phone for p in pack.partners.partners if p.phone]
    for number in numbers:
        assert _digits(number) in known, f"{name}: {number} is not in FACTS.md"
        line = next(ln for ln in section.splitlines() if number in ln or _digits(number) in ln)
        assert "UNCONFIRMED" not in line.split(number)[0][-40:], number


def test_dumbea_lists_no_metropolitan_number() -> None:
    pack = load_pack(content_root() / "dumbea")
    text = (content_root() / "dumbea").joinpath("numbers.yaml").read_text()
    text += (content_root() / "dumbea").joinpath("partners.yaml").read_text()
    for national in ("3114", "119", "3919", "3018", "3039", "235 236", "23 13 13", "08 11 11"):
        assert national not in text
    assert {n.number for n in pack.emergency_numbers()} >= {"15", "17", "18"}


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    target = tmp_path / "kremlin-bicetre"
    shutil.copytree(content_root() / "kremlin-bicetre", target)
    return target


def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_errors_name_file_entry_and_field(pack_copy: Path) -> None:
    _break(pack_copy / "numbers.yaml", 'number: "3114"', 'number: "31-14 call now"')
    with pytest.raises(ContentError) as exc:
        load_pack(pack_copy)
    [problem] = exc.value.problems
    assert "numbers.yaml" in problem
    assert "(id: " in problem and "→ number" in problem


def test_bad_yaml_names_the_line(pack_copy: Path) -> None:
    (pack_copy / "teams.yaml").write_text("teams:\n  - id: x\n    name: [unclosed\n")
    with pytest.raises(ContentError) as exc:
        load_pack(pack_copy)
    assert "teams.yaml" in exc.value.problems[0]
    assert "line" in exc.value.problems[0]


def test_unknown_references_are_reported(pack_copy: Path) -> None:
    _break(pack_copy / "partners.yaml", "themes: [", "themes: [nowhere, ")
    with pytest.raises(ContentError) as exc:
        load_pack(pack_copy)
    assert any("'nowhere' is not defined in themes.yaml" in p for p in exc.value.problems)


def test_missing_file_and_bad_timezone(pack_copy: Path) -> None:
    (pack_copy / "themes.yaml").unlink()
    _break(pack_copy / "territory.yaml", "Europe/Paris", "Europe/Atlantis")
    with pytest.raises(ContentError) as exc:
        load_pack(pack_copy)
    text = "\n".join(exc.value.problems)
    assert "themes.yaml: file missing" in text
    assert "unknown timezone 'Europe/Atlantis'" in text


def test_missing_english_is_a_warning(pack_copy: Path) -> None:
    text = (pack_copy / "teams.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\n(\s+)en: .*", "", text, count=1)
    (pack_copy / "teams.yaml").write_text(text, encoding="utf-8")
    warnings = pack_warnings(load_pack(pack_copy))
    assert len(warnings) == 1
    assert "teams.yaml" in warnings[0] and "English text missing" in warnings[0]


def test_check_content_cli(pack_copy: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", "content/dumbea", str(pack_copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ok.returncode == 0, ok.stderr
    assert "content/dumbea: OK" in ok.stdout
    _break(pack_copy / "territory.yaml", "phone_digits: 10", "phone_digits: ten")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "check-content", str(pack_copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1
    assert "territory.yaml: phone_digits" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_broken_pack_stops_the_bot_with_a_clear_message(pack_copy: Path) -> None:
    _break(pack_copy / "territory.yaml", "timezone: Europe/Paris", "timezone: 12")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--territory", str(pack_copy)],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "territory.yaml: timezone" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_content_reports_duplicates_collisions_and_unknown_partners(
    pack_copy: Path,
) -> None:
    from bot.territory import editor_report

    answers = pack_copy / "answers" / "sante.yaml"
    text = answers.read_text(encoding="utf-8")
    first_question = re.search(r"\n      fr:\n        - (.+)\n", text)
    assert first_question is not None
    # The same question given again, in another entry.
    text = text.replace(
        "\n      fr:\n        - ",
        f"\n      fr:\n        - {first_question.group(1)}\n        - ",
        2,
    )
    answers.write_text(text, encoding="utf-8")
    synonyms = pack_copy / "synonyms.yaml"
    synonyms.write_text(
        synonyms.read_text(encoding="utf-8").replace(
            "\nfr:\n", "\nfr:\n  hebergement: [daron]\n", 1
        ),
        encoding="utf-8",
    )
    report = "\n".join(editor_report(load_pack(pack_copy)))
    assert "is already a question of" in report
    assert "'daron' is also a synonym of" in report

    _break(answers, "partners: [", "partners: [nobody-knows, ")
    with pytest.raises(ContentError) as exc:
        load_pack(pack_copy)
    assert any("'nobody-knows' is not defined in partners.yaml" in p for p in exc.value.problems)


def test_shipped_packs_pass_the_editor_checks() -> None:
    from bot.territory import editor_report

    for name in PACKS:
        assert editor_report(load_pack(content_root() / name)) == []


def test_ask_cli_explains_the_choice() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--territory", "kremlin-bicetre",
         "chui enceinte jsp koi faire"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "verdict:    answer grossesse" in result.stdout
    assert "runner-up:" in result.stdout
    assert "confidence" in result.stdout
    crisis = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--territory", "dumbea", "jveu mourir"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "crisis:     urgent — suicide" in crisis.stdout
