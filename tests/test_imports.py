"""Imports point one way: no module imports itself back, and domain packages form a line.

The layers, bottom up: core modules (audit_api/*.py), every domain's `models.py`, the one
policy (`auth/policy.py`, which reads every domain's models: it is where access is decided),
then each domain's logic (services, schemas, views, routes). A model imports only core and
models; the policy only core and models; a domain's logic imports core, models, the policy
and the logic of domains below it in DOMAINS. Imports inside functions count; imports under
`if TYPE_CHECKING:` (type hints only) do not.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "audit_api"
# Bottom up: a domain's logic may use the logic of the domains before it.
DOMAINS = [
    "scoring",
    "idempotency",
    "tasks",
    "auth",
    "regions",
    "locations",
    "users",
    "orgs",
    "webhooks",
    "checklists",
    "assignments",
    "schedules",
    "evidence",
    "actions",
    "rollups",
    "audits",
    "sync",
    "photos",
    "disputes",
    "reports",
    "exports",
    "console",  # the web console: pages over every domain's services
]
POLICY = "audit_api.auth.policy"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            hidden.update(id(child) for child in ast.walk(node))
    return hidden


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The audit_api modules `name` imports at run time (from-imports resolved to modules)."""
    tree = ast.parse(path.read_text())
    hidden, found = _type_checking_nodes(tree), set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("audit_api"):
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    found.add(child if child in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("audit_api."))
    found.discard(name)
    return {module for module in found if module in known}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _domain(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (PACKAGE / parts[-1]).is_dir() else None


def _layer(module: str) -> str:
    if module == POLICY:
        return "policy"
    if module.endswith(".models") or module == "audit_api.models":
        return "models"
    return "core" if _domain(module) is None else "logic"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, if any (depth-first search keeping the current path)."""
    state: dict[str, int] = defaultdict(int)  # 0 new, 1 on the path, 2 done
    for start in graph:
        stack, path = [(start, iter(sorted(graph[start])))], [start]
        if state[start]:
            continue
        state[start] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state[child] == 1:
                return [*path[path.index(child) :], child]
            elif state[child] == 0:
                state[child] = 1
                stack.append((child, iter(sorted(graph[child]))))
                path.append(child)
    return None


def test_no_module_imports_itself_back():
    assert _cycle(_graph()) is None


def test_models_and_the_policy_import_only_models_and_core():
    wrong = [
        f"{module} -> {other}"
        for module, imports in _graph().items()
        if _layer(module) in ("models", "policy")
        for other in imports
        if _layer(other) not in ("models", "core")
    ]
    assert wrong == []


def test_domain_logic_uses_only_domains_below_it():
    wrong = []
    for module, imports in _graph().items():
        if _layer(module) != "logic":
            continue
        mine = DOMAINS.index(_domain(module))
        for other in imports:
            if _layer(other) != "logic" or _domain(other) == _domain(module):
                continue
            if DOMAINS.index(_domain(other)) > mine:
                wrong.append(f"{module} -> {other}")
    assert wrong == []


def test_every_domain_package_has_its_place():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(DOMAINS)
