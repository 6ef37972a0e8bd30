"""The shape of the code (DESIGN §5): modules of a readable size, imports that point one way.

The import graph is built from the source, not from what happens to be imported at run time:
every ``import``/``from … import`` anywhere in a module counts, the ones inside functions
("lazy" imports, which hide a circle from Python but not from a reader) included.
"""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "intranet"
MAX_LINES = 700
# A module of these kinds holds rules or data; it never reaches up into the HTTP layer.
LOWER_LAYERS = {"models", "services", "queries", "jobs", "notifications", "settings", "labels"}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        yield _module_name(path), path


MODULES = dict(_sources())


def _resolve(module, path, node):
    """The intranet modules one import statement names."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        base = package.split(".")
        if node.level > 1:
            base = base[: -(node.level - 1)]
        base = ".".join(base + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    found = []
    for alias in node.names:
        candidate = f"{base}.{alias.name}"
        found.append(candidate if candidate in MODULES else base)
    return found


def import_graph():
    graph = {}
    for module, path in MODULES.items():
        edges = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _resolve(module, path, node):
                    # "import intranet.owl.views.x" names the module itself, not its parents
                    while target and target not in MODULES and "." in target:
                        target = target.rpartition(".")[0]
                    if target in MODULES and target != module:
                        edges.add(target)
        graph[module] = edges
    return graph


def _circles(graph):
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    result.append(sorted(component))
    return result


def _path_within(graph, component):
    """One cycle through the component, for the failure message."""
    members = set(component)
    start = component[0]
    trail, seen, node = [start], {start}, start
    while True:
        node = next(n for n in sorted(graph[node]) if n in members)
        trail.append(node)
        if node in seen:
            return " -> ".join(trail[trail.index(node) :])
        seen.add(node)


def test_the_graph_sees_lazy_imports():
    """The check would be worthless if it missed an import inside a function."""
    graph = import_graph()
    assert "intranet.core.responses" in graph["intranet.core.refusals"]
    lazy = [
        module
        for module, path in MODULES.items()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(n, ast.Import | ast.ImportFrom) for n in ast.walk(node))
    ]
    assert lazy, "no lazy import anywhere: the test data is wrong"
    module = lazy[0]
    for node in ast.walk(ast.parse(MODULES[module].read_text())):
        if isinstance(node, ast.FunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and inner.level:
                    for target in _resolve(module, MODULES[module], inner):
                        while target not in MODULES and "." in target:
                            target = target.rpartition(".")[0]
                        assert target in graph[module] or target == module


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [["a", "b", "c"]]
    assert _path_within(graph, ["a", "b", "c"]) == "a -> b -> c -> a"


def test_no_import_circle_inside_the_package():
    graph = import_graph()
    circles = _circles(graph)
    assert not circles, "import circles:\n" + "\n".join(_path_within(graph, c) for c in circles)


def test_rules_and_data_never_import_views():
    graph = import_graph()
    wrong = [
        f"{module} imports {target}"
        for module, targets in graph.items()
        if set(module.split(".")) & LOWER_LAYERS and "views" not in module.split(".")
        for target in targets
        if "views" in target.split(".")
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_size(module):
    lines = MODULES[module].read_text().count("\n")
    assert lines <= MAX_LINES, (
        f"{module} has {lines} lines (at most {MAX_LINES}): split it by what it serves "
        "(DESIGN §5, docs/DEVELOPING.md)"
    )


def _imports_of(prefix):
    graph = import_graph()
    return {
        (module, target)
        for module, targets in graph.items()
        if module == prefix or module.startswith(prefix + ".")
        for target in targets
    }


def test_the_directory_knows_nothing_of_sign_in():
    """``people`` is the staff directory; ``auth`` (sessions, credentials) builds on it."""
    wrong = [f"{m} imports {t}" for m, t in _imports_of("intranet.people") if ".auth" in t]
    assert not wrong, "\n".join(wrong)


def test_policy_takes_roles_from_their_own_module():
    wrong = [f"{m} imports {t}" for m, t in _imports_of("intranet.policy") if t.endswith(".models")]
    assert not wrong, "\n".join(wrong)


def test_audit_takes_its_actor_from_the_caller():
    """``audit.record`` is told who acted (or asks the look-up registered at start-up); it never
    reads the signed-in user itself."""
    source = MODULES["intranet.audit.services"].read_text()
    assert "flask_login" not in source and "current_user" not in source


# Tables named before the rule below; renaming them would be a migration for no one's benefit.
OLDER_TABLE_NAMES = {
    "unit",
    "user",
    "user_role",
    "user_session",
    "setting",
    "outbox_count",
    "outbox_message",
    "password_reset_token",
    "pay_run",
    "pay_line",
    "pay_notice",
    "scheduled_run",
}


def test_a_new_table_is_named_after_its_feature():
    """One naming scheme for tables: ``<feature>_<entity>``, set in the model's Meta
    (``table_name = "owl_permit"``), so a table says where its code lives."""
    from intranet.models import all_models

    wrong = [
        f"{model.__module__}.{model.__name__}: {model._meta.table_name!r}"
        for model in all_models()
        if model._meta.table_name not in OLDER_TABLE_NAMES
        and not model._meta.table_name.startswith(model.__module__.split(".")[1] + "_")
    ]
    assert not wrong, "\n".join(wrong)


def test_every_feature_declares_what_it_has():
    """A feature's models, jobs, demo data and template helpers are wired by its declaration
    (``FEATURE`` in its ``__init__.py``, intranet/features.py): a module of that name that no
    declaration names would never be loaded."""
    from intranet import features

    declared = dict(features.declared())
    missing = []
    for package in features.INSTALLED:
        feature = declared[package]
        for part in ("models", "jobs", "demo", "templating", "inbox"):
            if package == "intranet.core" and part == "inbox":
                continue  # intranet.core.inbox is the inbox itself, not core's items
            if f"{package}.{part}" in MODULES and getattr(feature, part) != f"{package}.{part}":
                missing.append(f"{package}: {part}")
    packages = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    unlisted = sorted(
        p
        for p in packages
        if (PACKAGE / p / "__init__.py").exists()
        and f"intranet.{p}" not in features.INSTALLED
        and p not in ("translations",)
    )
    assert missing == [] and unlisted == [], (missing, unlisted)
