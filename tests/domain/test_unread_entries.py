"""A link to a file that has gone, or a folder named like a content file, is reported at its
path: without a word, a screen, quiz or framework would drop out of the course."""

import os

from .test_validate_subset import check, site  # noqa: F401  (site is a fixture)

LINKED = "/nonexistent/screen.md"


def test_broken_links_and_folders_named_like_content_files_are_errors_at_their_paths(site):  # noqa: F811
    module = site / "content" / "modules" / "referral-routes"
    os.symlink(LINKED, module / "10-gone.md")
    (module / "11-folder.md").mkdir()
    os.symlink("/nonexistent/quiz.md", site / "content" / "quizzes" / "gone-check.md")
    (site / "content" / "quizzes" / "folder-check.md").mkdir()
    os.symlink("/nonexistent/framework.yaml", site / "competencies" / "gone.yaml")
    # Hidden names are no content: an editor's lock file is a link to nowhere, say.
    os.symlink("someone@host.1234", module / ".#02-medical-routes.md")
    link, folder = "so it is not read: fix or remove it", "so nothing in it is read"
    assert check(site) == [
        f"competencies/gone.yaml:1: error: is a link to /nonexistent/framework.yaml, which does "
        f"not exist, {link}",
        f"content/modules/referral-routes/10-gone.md:1: error: is a link to {LINKED}, which does "
        f"not exist, {link}",
        f"content/modules/referral-routes/11-folder.md:1: error: is a folder, not a file, {folder}"
        ": rename it or move it",
        "content/quizzes/folder-check.md:1: error: is a folder, not a file, "
        f"{folder}: rename it or move it",
        "content/quizzes/gone-check.md:1: error: is a link to /nonexistent/quiz.md, which does "
        f"not exist, {link}",
    ]
    # Named to check, the module folder brings each of its entries once, not twice.
    named = check(site, module)
    assert sum("10-gone.md" in shown for shown in named) == 1
