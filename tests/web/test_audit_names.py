"""Audit events by their names: every kind the code records has a plain-English name, which
the audit page shows (the code beside it) while the filter, the log and the command line
keep the stored code."""

import ast
import re
from functools import cache
from pathlib import Path

from app import db
from app.services import audit
from tests.conftest import sign_in

APP = Path(__file__).resolve().parents[2] / "app"
# A kind made up as the code runs, by the f-string that makes it: the kinds it can make.
MADE_KINDS = {"practice.{outcome}": {"practice.confirmed", "practice.returned"}}
# audit's writers, by where their kind argument sits.
WRITERS = {"record": 1, "recorded_where": 0}


@cache
def source(path: Path) -> tuple[str, ast.Module]:
    """Return a file's text and syntax tree, parsed once for both walks below."""
    text = path.read_text("utf-8")
    return text, ast.parse(text)


def recorded_kinds() -> dict[str, str]:
    """Return every kind of event the app's code records, each with the place it is recorded;
    a kind argument the walk cannot read fails here, so no new kind slips past."""
    found, unread = {}, []
    for path in sorted(APP.rglob("*.py")):
        module = Module(source(path)[1])
        where = path.relative_to(APP.parent)
        for call in module.nodes:
            if isinstance(call, ast.Call) and module.writer(call) is not None:
                place = f"{where}:{call.lineno}"
                kinds = module.kinds(module.kind_argument(call))
                if not kinds:
                    unread.append(place)
                found |= dict.fromkeys(kinds, place)
    assert not unread, f"cannot tell the kind these record (teach recorded_kinds): {unread}"
    return found


class Module:
    """One file's syntax tree, walked once: its nodes, the names it imports audit's writers
    under, and what each name is assigned (looked up per call, not walked again per call)."""

    def __init__(self, tree: ast.Module):
        self.nodes = list(ast.walk(tree))
        self.imported = {
            alias.asname or alias.name: alias.name
            for node in self.nodes
            if isinstance(node, ast.ImportFrom) and node.module == "app.services.audit"
            for alias in node.names
            if alias.name in WRITERS
        }
        self.assigned: dict[str, list[ast.expr]] = {}
        for node in self.nodes:
            if isinstance(node, ast.Assign):
                for name in {t.id for t in node.targets if isinstance(t, ast.Name)}:
                    self.assigned.setdefault(name, []).append(node.value)

    def writer(self, call: ast.Call) -> str | None:
        """Return which of audit's writers a call is (`audit.record(...)`, or `record(...)`
        imported from it), or None."""
        function = call.func
        if isinstance(function, ast.Attribute) and function.attr in WRITERS:
            named_audit = isinstance(function.value, ast.Name) and function.value.id == "audit"
            return function.attr if named_audit else None
        return self.imported.get(function.id) if isinstance(function, ast.Name) else None

    def kind_argument(self, call: ast.Call) -> ast.expr | None:
        """Return the kind: record(session, kind, ...) and recorded_where(kind, ...)."""
        for keyword in call.keywords:
            if keyword.arg == "kind":
                return keyword.value
        at = WRITERS[self.writer(call)]
        return call.args[at] if len(call.args) > at else None

    def kinds(self, node: ast.expr | None) -> set[str]:
        """Return the kinds an expression can be: a string, either side of `a if ... else
        b`, a name assigned those in the module, or a known f-string."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            body, orelse = self.kinds(node.body), self.kinds(node.orelse)
            return body | orelse if body and orelse else set()
        if isinstance(node, ast.JoinedStr):
            return MADE_KINDS.get(_pattern(node), set())
        if isinstance(node, ast.Name):
            values = [self.kinds(value) for value in self.assigned.get(node.id, [])]
            return set().union(*values) if values and all(values) else set()
        return set()


def _pattern(node: ast.JoinedStr) -> str:
    return "".join(
        part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
        for part in node.values
    )


def assert_nothing_else_adds_events() -> None:
    """The walk sees every event only if nothing but audit.py adds one: no AuditEvent(...),
    insert(AuditEvent) or INSERT INTO audit_event of its own."""
    for path in APP.rglob("*.py"):
        if path.name == "audit.py" or "migrations" in path.parts:
            continue
        text, tree = source(path)
        assert "insert into audit_event" not in text.lower(), path
        for call in ast.walk(tree):
            if isinstance(call, ast.Call):
                function = ast.unparse(call.func)
                builds = function == "AuditEvent" or (
                    function.endswith("insert")
                    and any("AuditEvent" in ast.unparse(a) for a in call.args)
                )
                assert not builds, f"{path}:{call.lineno}"


def test_every_kind_of_event_the_code_records_has_a_plain_english_name():
    assert_nothing_else_adds_events()
    recorded = recorded_kinds()
    assert len(recorded) > 40 and {"practice.confirmed", "sign_in.throttled"} <= set(recorded)
    unnamed = {kind: place for kind, place in recorded.items() if kind not in audit.KIND_NAMES}
    assert unnamed == {}, "name these in app/services/audit.py's KIND_NAMES"


def test_the_names_are_sentence_case_words_not_codes_and_tell_the_kinds_apart():
    names = audit.KIND_NAMES
    assert len(set(names.values())) == len(names), "two kinds share a name"
    for kind, name in names.items():
        assert name and name != kind and not re.search(r"[._]", name), kind
        assert name[0].isupper() and not name.endswith("."), kind
        assert all(word.islower() for word in name.split()[1:] if word.isalpha()), kind
    assert set(names) == audit.WRITTEN_KINDS
    assert names["sign_in.success"] == "Signed in"
    assert names["practice.self_assessed"] == "Self-assessment recorded"
    assert names["credential.revoked"] == "Certificate revoked"


def record(app, *kinds: str) -> None:
    with app.app_context():
        session = db.session()
        for number, kind in enumerate(kinds):
            audit.record(session, kind, email=f"person{number}@example.org", number=number)
        session.commit()


def body(page: str) -> str:
    return page.split("<tbody", 1)[1].split("</tbody>", 1)[0]


def test_the_audit_log_shows_each_event_by_its_name_with_its_code_under_it(app, client, make_user):
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    record(app, "practice.self_assessed", "credential.revoked", "retired.kind")
    page = client.get("/admin/audit").text
    rows = body(page)
    code = '<br><span class="nhsuk-body-s nhsuk-u-secondary-text-colour">{}</span>'
    assert "<td>Self-assessment recorded" + code.format("practice.self_assessed") in rows
    assert "<td>Certificate revoked" + code.format("credential.revoked") in rows
    assert "<td>Signed in" + code.format("sign_in.success") in rows
    # A kind the app no longer writes keeps the code it was stored with, said once.
    assert "<td>retired.kind</td>" in rows
    options = dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', page))
    assert options == {
        "": "All events",
        "account.created": "Account created (account.created)",  # the administrator's
        "credential.revoked": "Certificate revoked (credential.revoked)",
        "practice.self_assessed": "Self-assessment recorded (practice.self_assessed)",
        "retired.kind": "retired.kind",
        "sign_in.success": "Signed in (sign_in.success)",
    }


def test_the_filter_and_the_command_line_keep_the_stored_code(app, client, runner, make_user):
    """A link or bookmark from before the names still filters the log; `audit` prints codes."""
    make_user(email="admin@example.org", role="admin")
    sign_in(client, "admin@example.org")
    record(app, "practice.self_assessed", "credential.revoked", "practice.self_assessed")
    page = client.get("/admin/audit?kind=practice.self_assessed").text
    assert "2 events." in page
    assert re.findall(r'<option value="([^"]+)" selected>', page) == ["practice.self_assessed"]
    assert body(page).count("Self-assessment recorded") == 2
    assert "Certificate revoked" not in body(page)
    printed = runner.invoke(args=["audit", "--kind", "practice.self_assessed"]).output
    assert [line.split("\t")[1] for line in printed.splitlines()] == ["practice.self_assessed"] * 2
