"""The layers stay where DESIGN.md puts them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_service_does_not_know_telegram_or_the_handlers() -> None:
    offenders = []
    for path in (ROOT / "bot").rglob("*.py"):
        if path.name == "__main__.py":  # the composition root starts the Telegram side
            continue
        for name in _imports(path):
            if name.split(".")[0] in ("telegram", "handlers"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


_SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b", re.I)


def test_only_the_storage_package_speaks_sql() -> None:
    offenders = []
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if "storage" in path.parts:
                continue
            if _SQL.search(path.read_text(encoding="utf-8")):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


_SQL_WRITE = re.compile(
    r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE"
    r"|ALTER\s+TABLE)\b|sqlite3\.connect|\.executemany\(",
    re.I,
)


def test_no_test_or_benchmark_writes_sql() -> None:
    """Tests and benchmarks set their data up as the bot does, through ``bot/storage``'s
    functions; reading a count with SELECT stays allowed. The one exception is the test of
    the migration runner, which must hand it a migration that fails."""
    offenders = []
    for folder in ("tests", "bench"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _SQL_WRITE.search(line) and "Migration(" not in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == [], "set data up through bot/storage"


def test_who_may_do_what_is_one_rule() -> None:
    """Staff roles are read in bot/staff/access.py only (the schema names them too)."""
    role = re.compile(r"""["'](coordinator|mediator)["']""")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "handlers")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name not in ("access.py", "migrations.py")
        and role.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_handlers_are_registered_in_one_place() -> None:
    registering = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "handlers").rglob("*.py")
        if "add_handler(" in path.read_text(encoding="utf-8")
    ]
    assert registering == ["handlers/runtime/app.py"]


def test_every_benchmark_still_imports() -> None:
    """Benchmarks are run by hand, not by CI: at least their imports must follow the code."""
    import subprocess
    import sys

    scripts = sorted(str(p) for p in (ROOT / "bench").glob("*.py") if p.name != "__init__.py")
    check = "import runpy, sys\nfor path in sys.argv[1:]: runpy.run_path(path, run_name='check')"
    done = subprocess.run([sys.executable, "-c", check, *scripts], cwd=ROOT, capture_output=True,
                          text=True, check=False, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]


def test_guided_conversations_have_one_module_and_one_map() -> None:
    """Their state is read and written through bot/conversations.py only (one idle rule),
    and every flow is registered in handlers/runtime/app.py, the map of what the bot does."""
    reaching = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if "storage" not in path.parts and path.name != "conversations.py"
        and "bot.storage.conversations" in _imports(path)
        | {f"bot.storage.{m}" for m in _from_storage(path)}
    ]  # fmt: skip
    assert reaching == []
    registering = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "handlers").rglob("*.py")
        if "register_flow(" in path.read_text(encoding="utf-8") and path.name != "flows.py"
    ]
    assert registering == ["handlers/runtime/app.py"]


def _from_storage(path: Path) -> set[str]:
    """Modules imported as ``from bot.storage import x``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
            and node.module == "bot.storage" for alias in node.names}  # fmt: skip


def test_the_map_of_packages_matches_the_tree() -> None:
    """ARCHITECTURE.md and the README name only paths that exist, and every package."""
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    text += (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b((?:bot|handlers)/[\w/]*\w(?:\.py)?)(?![\w.])", text))
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert missing == []
    architecture = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    packages = [p.name for p in (ROOT / "bot").iterdir() if (p / "__init__.py").exists()]
    unnamed = [p for p in packages if f"{p}/" not in architecture]
    assert unnamed == []
    for path in (ROOT / "bot").rglob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path


def _package_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "bot" and len(parts) > 1 else None


def _package_imports() -> dict[str, set[str]]:
    """bot's packages (and kernel modules) -> those they import, type-only imports included."""
    edges: dict[str, set[str]] = {}
    for path in (ROOT / "bot").rglob("*.py"):
        source = _package_of(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if source in (None, "__main__", "__init__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot"):
                targets = ([f"bot.{a.name}" for a in node.names] if node.module == "bot"
                           else [node.module])  # fmt: skip
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("bot.")]
            for target in targets:
                package = _package_of(target)
                if package and package != source:
                    edges.setdefault(str(source), set()).add(package)
    return edges


def test_packages_import_each_other_without_a_cycle() -> None:
    """The domains form layers: services (the composition root) builds them, none of them
    reaches back for the whole container, and no two packages need each other."""
    edges = _package_imports()
    assert [p for p, targets in edges.items() if "services" in targets] == []
    seen: dict[str, int] = {}  # 1: on the path, 2: done

    def visit(package: str, path: list[str]) -> list[str] | None:
        seen[package] = 1
        for target in sorted(edges.get(package, ())):
            if seen.get(target) == 1:
                return [*path, package, target]
            if target not in seen and (cycle := visit(target, [*path, package])):
                return cycle
        seen[package] = 2
        return None

    cycles = [c for p in sorted(edges) if p not in seen and (c := visit(p, []))]
    assert cycles == []


def test_packages_are_used_through_their_public_surface() -> None:
    """Outside a package of bot/, it is imported as ``from bot.<package> import ...``: what
    its ``__init__.py`` exports (or one of its modules), never ``bot.<package>.<module>``."""
    offenders = []
    for path in [*(ROOT / "bot").rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]:
        parts = path.relative_to(ROOT).with_suffix("").parts
        inside = parts[1] if parts[0] == "bot" and len(parts) > 2 else None
        for name in _imports(path):
            pieces = name.split(".")
            if (len(pieces) > 2 and pieces[0] == "bot" and pieces[1] != inside
                    and (ROOT / "bot" / pieces[1]).is_dir()):  # fmt: skip
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_modules_of_a_package_do_not_import_each_other_in_a_circle() -> None:
    """Inside a package too: events and sign-ups used to need each other."""
    edges: dict[str, set[str]] = {}
    for path in (ROOT / "bot").rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        edges[module] = {
            name for name in _imports(path) if (ROOT / f"{name.replace('.', '/')}.py").exists()
        }
    seen: dict[str, int] = {}

    def visit(module: str) -> bool:
        seen[module] = 1
        for target in edges.get(module, ()):
            if seen.get(target) == 1 or (target not in seen and visit(target)):
                return True
        seen[module] = 2
        return False

    assert [m for m in sorted(edges) if m not in seen and visit(m)] == []
