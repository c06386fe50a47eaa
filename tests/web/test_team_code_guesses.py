"""Your team's code field counts wrong codes with the other join-code forms (10 in 15
minutes per account), and a code of another organisation's team reads as one nobody has:
the field tells nobody which codes exist."""

import re

from tests.conftest import post_form, sign_in, without_tokens
from tests.web.error_summary import summary_of


def _page_without(response, code: str) -> str:
    page = re.sub(r'nonce="[^"]*"', "", without_tokens(response.text))
    return page.replace(code, "CODE")


def test_another_organisation_s_team_code_reads_as_a_code_nobody_has(client, make_user, pcn):
    make_user(email="dan@example.org", org="Hillside PCN")
    sign_in(client, "dan@example.org")
    real = post_form(client, "/my/team", {"join_code": "ELM11111"})  # Riverside's Elm Practice
    unknown = post_form(client, "/my/team", {"join_code": "NOPE1234"})
    assert (real.status_code, unknown.status_code) == (400, 400)
    assert _page_without(real, "ELM11111") == _page_without(unknown, "NOPE1234")
    summary_of(real)  # the NHS error pattern, its link reaching the field
    message = "We do not recognise that team code in your organisation. Check it with your manager"
    assert real.text.count(message) == 2  # in the summary and beside the field
    assert "belongs to another organisation" not in real.text


def test_wrong_team_codes_count_with_the_other_join_code_forms(app, client, make_user, pcn):
    make_user(email="dan@example.org", org="Hillside PCN")
    sign_in(client, "dan@example.org")
    for _ in range(12):  # an empty field is no guess
        assert post_form(client, "/my/team", {"join_code": " "}).status_code == 400
    tried = []
    for n in range(2, 7):  # five here (another organisation's or nobody's), five typed there
        tried.append(post_form(client, "/my/team", {"join_code": f"NOPE{n}345"}))
        tried.append(post_form(client, "/account/organisation", {"join_code": f"WRNG{n}345"}))
    assert [response.status_code for response in tried] == [400] * 10
    refused = post_form(client, "/my/team", {"join_code": "ELM11111"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    page = re.sub(r"\s+", " ", refused.text)
    assert 'class="nhsuk-header' in page and "<h1>Too many attempts</h1>" in page
    assert "Too many codes that we did not recognise have been entered from your account" in page
    assert "from this device" not in page and "internet connection" not in page
    assert client.get("/join/ELM11111").status_code == 429  # counted together, both ways
    assert client.get("/my/team").status_code == 200  # the page itself stays open
