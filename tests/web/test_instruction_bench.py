"""The instruction-count bench reads callgrind's dumps (`make bench BENCH=instructions`)."""

import pytest

from bench.instructions import per_request, table


def dump(folder, number: int, trigger: str, totals: int) -> None:
    """Write a dump as callgrind_control --dump leaves it (the lines the bench reads)."""
    (folder / f"callgrind.out.{number}").write_text(
        f"version: 1\ncreator: callgrind-3.19.0\ncmd: python\ndesc: Trigger: dump {trigger}\n"
        f"positions: line\nevents: Ir\nsummary: 123\n\nfn=(1) main\n0 5\n\ntotals: {totals}\n"
    )


def test_each_phase_is_counted_by_its_own_dump(tmp_path):
    dump(tmp_path, 1, "screen 100 200", 300_000_000)
    dump(tmp_path, 2, "submit 50 302", 250_000_000)
    (tmp_path / "callgrind.out").write_text("desc: Trigger: Program termination\ntotals: 9\n")
    found = per_request(tmp_path)
    assert found == {"screen": 3_000_000, "submit": 5_000_000, "submits": 50}
    found["passed"] = 4
    assert "50 (4)" in table("PostgreSQL", found, None)
    assert "submit / screen" in table("PostgreSQL", found, None)
    assert table("PostgreSQL", found, found).splitlines()[-2].split()[-2:] == ["1.67", "1.67"]


def test_a_dump_that_is_not_of_one_phase_stops_the_bench(tmp_path):
    (tmp_path / "callgrind.out.1").write_text("desc: Trigger: Program termination\ntotals: 9\n")
    with pytest.raises(RuntimeError, match="not a dump of one phase"):
        per_request(tmp_path)


@pytest.mark.parametrize("statuses", ["200,302", "400"])
def test_a_phase_whose_requests_did_not_all_answer_as_expected_stops_the_bench(tmp_path, statuses):
    dump(tmp_path, 1, f"submit 10 {statuses}", 100)
    with pytest.raises(RuntimeError, match="submit requests answered"):
        per_request(tmp_path)
