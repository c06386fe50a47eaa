"""`screen:` and `module:` links in a quiz lead somewhere, as a screen's must.

`screen:<slug>` is a screen of the quiz's own module; every link that leads nowhere is an
error at the line it is written on, in a question, a choice, a step or any feedback.
"""

from app.domain.catalogue import load_catalogue

from ..conftest import TINY_FRAMEWORK
from .conftest import BODY_LINE, quiz_file

SCREEN = "---\ntitle: {title}\n---\nText.\n"


def load(course, tmp_path, body, module="tiny", kind="knowledge-check"):
    """Load modules tiny (screens one, two) and other (screen routes) with a quiz on tiny."""
    tiny = course(
        {"01-one.md": SCREEN.format(title="One"), "02-two.md": SCREEN.format(title="Two")}
    )
    other = course({"01-routes.md": SCREEN.format(title="Routes")}, slug="other")
    other.joinpath("module.md").write_text(
        other.joinpath("module.md").read_text("utf-8").replace("order: 1", "order: 2"), "utf-8"
    )
    quiz = tmp_path / "quizzes" / "tiny-check.md"
    quiz.parent.mkdir(exist_ok=True)
    text = quiz_file(body, kind).replace("id: check", "id: tiny-check")
    quiz.write_text(text.replace("module: referral-routes", f"module: {module}"), "utf-8")
    result = load_catalogue([tiny, other], [TINY_FRAMEWORK], quiz_files=[quiz])
    return quiz, [str(p) for p in result.problems if p.is_error]


def test_each_quiz_link_that_leads_nowhere_is_an_error_at_its_own_line(course, tmp_path):
    body = (
        "ID: q1\n"
        "1.  Read [screen two](screen:two) and [the other module](module:other), then\n"
        "    [this screen](screen:tow). Which is right?\n"
        "... See [routes](screen:other/routes) and [the routes](screen:other/route).\n"
        "*a) The one on [routes](screen:routes)\n"
        "b)  The one in [a module](module:nope)\n"
        "... Not [here](screen:one#top), nor [there](module:othr).\n"
    )
    quiz, errors = load(course, tmp_path, body)
    assert errors == [
        f"{quiz}:{BODY_LINE + 2}: error: link 'screen:tow' points to screen 'tow', which is "
        "not in module 'tiny' (did you mean 'two'?)",
        f"{quiz}:{BODY_LINE + 3}: error: link 'screen:other/route' points to screen 'route', "
        "which is not in module 'other' (did you mean 'routes'?)",
        # A screen of another module, named without it: read as a screen of the quiz's own.
        f"{quiz}:{BODY_LINE + 4}: error: link 'screen:routes' points to screen 'routes', "
        "which is not in module 'tiny'",
        f"{quiz}:{BODY_LINE + 5}: error: link 'module:nope' points to module 'nope', which "
        "does not exist",
        f"{quiz}:{BODY_LINE + 6}: error: link 'module:othr' points to module 'othr', which "
        "does not exist (did you mean 'other'?)",
    ]


def test_links_in_steps_and_prompts_are_checked_too(course, tmp_path):
    body = (
        "ID: q1\nCompetencies: TINY-1.1\nOutcomes: 1\nType: ordering\n1.  Put these in order.\n"
        "1)  Read [the first screen](screen:one)\n2)  Read [the last](screen:three)\n\n"
        "ID: q2\nCompetencies: TINY-1.1\nOutcomes: 1\nType: matching\n2.  Match them.\n"
        "=   [Screen two](screen:twoo) -> Second\n=   [Screen one](screen:one) -> First\n"
    )
    quiz, errors = load(course, tmp_path, body, kind="assessment")
    assert errors == [
        f"{quiz}:{BODY_LINE + 6}: error: link 'screen:three' points to screen 'three', which "
        "is not in module 'tiny'",
        f"{quiz}:{BODY_LINE + 13}: error: link 'screen:twoo' points to screen 'twoo', which "
        "is not in module 'tiny' (did you mean 'two'?)",
    ]


def test_a_quiz_whose_module_does_not_exist_is_told_so_once_not_once_per_link(course, tmp_path):
    body = "ID: q1\n1.  See [this](screen:one) and [that](module:nope).\n*a) Yes\nb)  No\n"
    quiz, errors = load(course, tmp_path, body, module="elsewhere")
    assert errors == [
        f"{quiz}:3: error: module 'elsewhere' does not exist",
        f"{quiz}:{BODY_LINE + 1}: error: link 'module:nope' points to module 'nope', which "
        "does not exist",
    ]


def test_links_that_lead_somewhere_are_no_problem(course, tmp_path):
    body = (
        "ID: q1\n1.  See [two](screen:two), [routes](screen:other/routes#start) and "
        "[other](module:other).\n*a) [One](screen:one)\nb)  No\n... [Two](screen:tiny/two)\n"
    )
    assert load(course, tmp_path, body)[1] == []
