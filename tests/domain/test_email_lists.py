"""Addresses read from a list as people paste it (app/domain/email_lists.py)."""

import pytest

from app.domain.email_lists import addresses_in, one_address


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("a@x.org b@y.org", ["a@x.org", "b@y.org"]),
        ("a@x.org,b@y.org\nc@z.org", ["a@x.org", "b@y.org", "c@z.org"]),
        ("a@x.org; b@y.org;", ["a@x.org", "b@y.org"]),
        (
            "Smith, Jane <jane.smith@nhs.net>; Patel, Priya <p.patel@nhs.net>",
            ["jane.smith@nhs.net", "p.patel@nhs.net"],
        ),
        ('"Smith Jane (RIVERSIDE; PCN)" <jane@nhs.net>', ["jane@nhs.net"]),
        ("Jane <j@x.org>, Priya <p@x.org>, c@d.org", ["j@x.org", "p@x.org", "c@d.org"]),
        ("a@x.org nope", ["a@x.org", "nope"]),  # kept, so the form can say no learner has it
        (" , ;\n", []),
    ],
)
def test_a_pasted_list_gives_its_addresses(typed, read):
    assert addresses_in(typed) == read


def test_one_address_is_read_from_the_name_around_it():
    assert one_address(" Jane Smith <jane@x.org> ") == "jane@x.org"
    assert one_address(" not-an-email ") == "not-an-email"
    assert one_address("<a@x.org> <b@x.org>") == "<a@x.org> <b@x.org>"
