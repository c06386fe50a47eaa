from app.domain.problems import Problem, Problems, did_you_mean, has_errors


def test_problem_reads_like_a_compiler_message():
    problem = Problem("content/modules/a/module.md", 4, "error", "'order' must be a whole number")
    assert str(problem) == "content/modules/a/module.md:4: error: 'order' must be a whole number"


def test_problem_for_a_whole_file_has_no_line():
    assert str(Problem("x.md", 0, "error", "cannot read file")) == "x.md: error: cannot read file"


def test_problems_are_collected_and_sorted_by_file_and_line():
    problems = Problems()
    problems.warning("b.md", 3, "later")
    problems.error("a.md", 9, "second")
    problems.error("a.md", 2, "first")
    assert [str(p) for p in problems.sorted()] == [
        "a.md:2: error: first",
        "a.md:9: error: second",
        "b.md:3: warning: later",
    ]
    assert has_errors(problems)


def test_warnings_alone_are_not_errors():
    assert not has_errors([Problem("a.md", 1, "warning", "unknown key")])


def test_did_you_mean_suggests_the_closest_name_or_nothing():
    assert did_you_mean("how-it-work", ["what-is", "how-it-works"]) == (
        " (did you mean 'how-it-works'?)"
    )
    assert did_you_mean("zzz", ["what-is"]) == ""
