"""Account rules, tested without an app."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.config import ConfigError, load, normalise_database_url
from app.domain.accounts import (
    PROFESSIONS,
    normalise_join_code,
    normalise_registration_number,
    password_problem,
    registration_number_hint,
    registration_number_problem,
    safe_next,
)
from app.domain.seeding import _registration_number
from tests.issuer_key import TEST_ISSUER_PEM


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "ŵy mae'r ddraig goch 🐉",
        "Länge läuft 12 Zeichen",
        "xxxx harbour yz 2718",
    ],
)
def test_long_passphrases_and_unicode_are_accepted(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password",
    ["Password123!", "Summer2024!!", "xxxxyz12345678", "Liverpool1892!", "January2026!"],
)
def test_guessable_passwords_of_twelve_characters_are_refused_with_a_reason(password):
    assert "too easy to guess" in password_problem(password)
    assert "Try 3 or 4 unrelated words" in password_problem(password)


def test_a_password_built_from_the_users_name_is_refused():
    assert "too easy to guess" in password_problem("Priya Shah 1990", full_name="Priya Shah")


@pytest.mark.parametrize(
    "password", ["password1234", "Password1234", "qwertyuiop123", "123456789012", "iloveyou1234"]
)
def test_common_passwords_are_refused(password):
    assert "too common" in password_problem(password)


def test_eleven_characters_are_too_few():
    assert "12 characters" in password_problem("abcdefghijk")


def test_password_length_counts_characters_not_bytes():
    assert password_problem("ŵŷöäüßéñçøåð") is None
    assert "12 characters" in password_problem("ŵŷöäüßéñçøå")


def test_join_codes_ignore_case_spaces_and_dashes():
    assert normalise_join_code(" demo-2026 ") == "DEMO2026"


@given(st.text())
def test_safe_next_never_leaves_the_site(target):
    result = safe_next(target)
    assert result == "/" or (result.startswith("/") and not result.startswith(("//", "/\\")))
    assert "\\" not in result


@pytest.mark.parametrize("target", ["/modules/", "/account/?tab=1", "/a/b#c"])
def test_safe_next_keeps_paths_on_this_site(target):
    assert safe_next(target) == target


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError):
        load(tmp_path, environ={"LINKWISE_ENV": "production"})


PRODUCTION_ENVIRON = {
    "SECRET_KEY": "k",
    "LINKWISE_BASE_URL": "https://learn.example.org/",
    "LINKWISE_PRIVACY_CONTROLLER": "Example PCN",
    "LINKWISE_PRIVACY_CONTACT": "privacy@example.org",
    "LINKWISE_SMTP_URL": "smtp://mail.example.org:587",
    "LINKWISE_ISSUER_KEY": TEST_ISSUER_PEM,
}


def test_environment_overrides_defaults_and_test_mapping_overrides_both(tmp_path):
    environ = {**PRODUCTION_ENVIRON, "PORT": "6000"}
    config = load(tmp_path, {"PORT": 7000}, environ=environ)
    assert config["PORT"] == 7000
    assert load(tmp_path, environ=environ)["PORT"] == 6000
    assert config["BASE_URL"] == "https://learn.example.org"


@pytest.mark.parametrize("missing", list(PRODUCTION_ENVIRON))
def test_production_says_which_setting_is_missing(tmp_path, missing):
    environ = {key: value for key, value in PRODUCTION_ENVIRON.items() if key != missing}
    with pytest.raises(ConfigError, match=missing.removeprefix("LINKWISE_")):
        load(tmp_path, environ=environ)


def test_postgres_urls_use_psycopg_3():
    assert normalise_database_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_database_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"


@pytest.mark.parametrize(
    "number",
    ["GMC 7654321", "12A3456E", "GPhC 2012345", "NMC-99X1234", "NMC 12A3456B", "PA123456", "1"],
)
def test_registration_numbers_as_regulators_write_them_are_accepted(number):
    assert registration_number_problem(number) is None


def test_every_seeded_registration_number_is_accepted():
    rng = random.Random(7)
    for profession in list(PROFESSIONS) * 200:
        number = _registration_number(rng, profession)
        assert number is None or registration_number_problem(number, profession) is None, number


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ('=HYPERLINK("https://example.org","x")', "must only include letters, numbers"),
        ("GMC 😀 1234567", "must only include letters, numbers"),
        ("+441234567", "must only include letters, numbers"),
        ("GMC/1234567", "must only include letters, numbers"),
        ("-1234567", "correct format"),
        ("1234567-", "correct format"),
        ("pending", "correct format"),
        ("1" * 21, "must be 20 characters or fewer"),
    ],
)
def test_registration_numbers_no_regulator_issues_are_refused_saying_why(number, says):
    problem = registration_number_problem(number)
    assert problem.startswith(("Registration number", "Enter a registration number"))
    assert says in problem


def test_a_registration_number_is_stored_trimmed_in_capitals():
    assert normalise_registration_number(" 12a3456e ") == "12A3456E"
    assert normalise_registration_number("  gmc   7654321\t") == "GMC 7654321"
    assert normalise_registration_number("gphc 2012345") == "GPhC 2012345"
    assert normalise_registration_number("   ") == ""


@pytest.mark.parametrize(
    ("profession", "number"),
    [
        ("gp", "7654321"),
        ("gp", "GMC 7654321"),
        ("gp", "gmc-7654321"),
        ("practice-nurse", "12A3456E"),
        ("practice-nurse", "nmc 12a3456e"),
        ("practice-nurse", "12 A 3456 E"),
        ("practice-nurse", "NMC PIN 12A3456E"),  # as the NMC's letters write it
        ("practice-nurse", "PIN 12A3456E"),
        ("gp", "GMC No 7654321"),
        ("gp", "GMC number 7654321"),
        # Not checked by profession: Northern Ireland's pharmacists register with the PSNI.
        ("pharmacist", "GPhC 2012345"),
        ("pharmacist", "PSNI 12345"),
        ("link-worker", "PA123456"),
    ],
)
def test_each_regulators_own_format_is_accepted_for_its_profession(profession, number):
    assert registration_number_problem(number, profession) is None


@pytest.mark.parametrize(
    ("profession", "number", "says"),
    [
        ("gp", "12A3456E", "Enter your GMC number in the correct format: 7 digits"),
        ("gp", "GMC 765432", "Enter your GMC number in the correct format: 7 digits"),
        ("practice-nurse", "7654321", "Enter your NMC PIN in the correct format"),
        ("practice-nurse", "NMC-99X1234", "like 12A3456E"),
        ("practice-nurse", "PIN PIN 12A3456E", "like 12A3456E"),
        # Digits, as the GMC's message says them, not "numbers".
        ("practice-nurse", "7654321", "2 digits, a letter, 4 digits and a letter"),
    ],
)
def test_a_number_the_professions_regulator_never_issues_is_refused(profession, number, says):
    assert says in registration_number_problem(number, profession)


def test_the_hint_says_the_professions_own_format_when_it_is_known():
    assert registration_number_hint("gp") == "Your GMC number, 7 digits."
    assert registration_number_hint("practice-nurse") == "Your NMC PIN, like 12A3456E."
    assert "no statutory register" in registration_number_hint("link-worker")
    # Not known yet (signing up asks the profession on the same page): every profession's.
    for unknown in (None, "", "other"):
        said = registration_number_hint(unknown)
        assert "GPs: your GMC number" in said and "Practice nurses: your NMC PIN" in said
        assert "Link workers" in said
