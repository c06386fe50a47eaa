"""Commands that write a file (-o) write it whole or not at all, refuse to replace one that
exists unless told to, and say in one sentence why they could not write it."""

import errno
import os
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from app import db
from app.cli_content import import_text2qti_command
from app.cli_frameworks import export_framework
from app.models import AuditEvent

from .cli_helpers import run_linkwise
from .test_content_commands import GIFT

PASSWORD = "lighthouse tides 2026"
EMAIL = "sam@example.org"
# A folder that does not exist, one that takes no new files, and a "folder" that is a file.
UNWRITABLE = ("nodir/x", "/proc/x", "/dev/null/x")


def one_sentence(result) -> str:
    """Return the error line that ends the output, after any warnings about the source."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()[-1]


def _place(tmp_path, where: str, suffix: str) -> str:
    return (str(tmp_path / where) if not where.startswith("/") else where) + suffix


def _exports(app) -> int:
    with app.app_context():
        return db.session().scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.kind == "data.exported")
        )


@pytest.fixture
def sam(runner):
    result = runner.invoke(
        args=["create-user", "--email", EMAIL, "--name", "Sam Learner", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("where", UNWRITABLE)
def test_export_user_to_an_unwritable_place_says_why_and_audits_nothing(
    app, runner, sam, tmp_path, where
):
    target = _place(tmp_path, where, ".zip")
    result = runner.invoke(args=["export-user", EMAIL, "-o", target])
    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"Error: cannot write {target}: "), result.output
    assert len(result.output.strip().splitlines()) == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert _exports(app) == 0


def test_export_user_audits_each_file_written_and_refuses_to_replace_one(
    app, runner, sam, tmp_path
):
    target = tmp_path / "sam.zip"
    assert runner.invoke(args=["export-user", EMAIL, "-o", str(target)]).exit_code == 0
    written = target.read_bytes()
    again = runner.invoke(args=["export-user", EMAIL, "-o", str(target)])
    assert again.exit_code == 1
    assert f"{target} already exists: give --force" in again.output
    assert target.read_bytes() == written and _exports(app) == 1
    forced = runner.invoke(args=["export-user", EMAIL, "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert _exports(app) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["sam.zip"]  # no temporary file left


COMMANDS = {
    "export-framework": (("export-framework", "splw"), ".json"),
    "import-gift": (("import-gift", str(GIFT / "written.gift")), ".md"),
    "import-case": (None, ".yaml"),
    "export-scorm": (("export-scorm", "referral-routes"), ".zip"),
}


@pytest.fixture(scope="module")
def case_package(tmp_path_factory):
    package = tmp_path_factory.mktemp("case") / "splw.json"
    exported = run_linkwise("export-framework", "splw", "-o", str(package))
    assert exported.returncode == 0, exported.stderr
    return package


@pytest.mark.parametrize("where", ["/proc/x", "/dev/null/x"])
@pytest.mark.parametrize("command", COMMANDS)
def test_a_file_that_cannot_be_written_is_one_sentence(tmp_path, case_package, command, where):
    args, suffix = COMMANDS[command]
    args = args or ("import-case", str(case_package))
    target = where + suffix
    result = run_linkwise(*args, "-o", target)
    assert one_sentence(result).startswith(f"Error: cannot write {target}: ")


def test_import_text2qti_to_proc_is_one_sentence():
    source = "tests/domain/quizzes/fixtures/text2qti/referral-basics.txt"
    result = run_linkwise("import-text2qti", source, "-o", "/proc/referral-routes-x.md")
    assert one_sentence(result) == (
        "Error: cannot write /proc/referral-routes-x.md: the folder /proc takes no new files"
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_an_existing_file_is_kept_unless_forced(tmp_path, case_package, command):
    args, suffix = COMMANDS[command]
    args = args or ("import-case", str(case_package))
    target = tmp_path / f"splw{suffix}"
    if command == "import-gift":
        target = tmp_path / "referral-routes-assessment.md"
    target.write_text("the live file\n")
    refused = run_linkwise(*args, "-o", str(target))
    assert one_sentence(refused) == (
        f"Error: {target} already exists: give --force to replace it, or name another file"
    )
    assert target.read_text() == "the live file\n"
    forced = run_linkwise(*args, "-o", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes() != b"the live file\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def _not_files(tmp_path) -> dict:
    """Return things at an output's path that are not regular files, by what they are."""
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)
    (tmp_path / "real.json").write_text("the live file\n")
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real.json")
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere.json")
    return {"named pipe": pipe, "symbolic link": link, "dangling": dangling}


def test_export_framework_never_replaces_what_is_not_a_regular_file(tmp_path):
    for kind, target in _not_files(tmp_path).items():
        result = CliRunner().invoke(export_framework, ["splw", "-o", str(target), "--force"])
        assert result.exit_code == 1, result.output
        kind = "symbolic link" if kind == "dangling" else kind
        assert result.output.strip().splitlines() == [
            f"Error: will not replace {target}: it is a {kind}, not a regular file; "
            "name another file"
        ]
    assert stat.S_ISFIFO((tmp_path / "pipe.json").lstat().st_mode)
    assert (tmp_path / "link.json").is_symlink() and (tmp_path / "dangling.json").is_symlink()
    assert (tmp_path / "real.json").read_text() == "the live file\n"
    assert not list(tmp_path.glob(".*.tmp"))


def test_export_user_never_replaces_a_pipe_and_audits_nothing(app, runner, sam, tmp_path):
    pipe = tmp_path / "sam.zip"
    os.mkfifo(pipe)
    result = runner.invoke(args=["export-user", EMAIL, "-o", str(pipe), "--force"])
    assert result.exit_code == 1, result.output
    assert result.output.strip() == (
        f"Error: will not replace {pipe}: it is a named pipe, not a regular file; name another file"
    )
    assert stat.S_ISFIFO(pipe.lstat().st_mode) and _exports(app) == 0


def test_a_full_disk_is_said_and_nothing_is_written(tmp_path, monkeypatch):
    def full(_descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    target = tmp_path / "splw.json"
    monkeypatch.setattr(os, "fsync", full)  # where a full disk shows on some file systems
    result = CliRunner().invoke(export_framework, ["splw", "-o", str(target)])
    monkeypatch.undo()
    assert result.exit_code == 1, result.output
    assert result.output.strip() == f"Error: cannot write {target}: the disk is full"
    assert list(tmp_path.iterdir()) == []


def test_every_command_refuses_a_folder_that_is_not_there_as_export_user_does(tmp_path):
    source = "tests/domain/quizzes/fixtures/text2qti/referral-basics.txt"
    for command, args, name in (
        (export_framework, ["splw"], "splw.json"),
        (import_text2qti_command, [source], "referral-routes-x.md"),
    ):
        target = tmp_path / "drafts" / name
        result = CliRunner().invoke(command, [*args, "-o", str(target)])
        assert result.exit_code == 1, result.output
        assert result.output.strip().splitlines()[-1] == (
            f"Error: cannot write {target}: the folder {target.parent} does not exist; "
            "create it first"
        )
        assert list(tmp_path.iterdir()) == []
