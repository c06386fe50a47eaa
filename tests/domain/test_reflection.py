"""Saving the reflective account: only the parts the form changed, never silently."""

from app.domain.reflection import KEYS, MAX_LENGTH, SHOWN, as_sent, drawn, fingerprint, save


def form(account, **typed):
    """Return what the form drawn from `account` sends, with the learner's typing."""
    values = {}
    for part in drawn(account):
        values[part.heading.key] = part.text
        values[SHOWN + part.heading.key] = part.shown
    return {**values, **typed}


def test_a_part_left_as_it_showed_is_not_written_even_if_saved_since():
    sent = form({}, learned="New")
    saving = save({"activity": "Saved since"}, sent)
    assert saving.account == {"activity": "Saved since", "learned": "New"}
    assert saving.changed == ("learned",) and not saving.errors


def test_a_part_changed_here_and_elsewhere_keeps_the_saved_text():
    sent = form({"activity": "Old"}, activity="Mine")
    saving = save({"activity": "Theirs"}, sent)
    assert saving.account == {"activity": "Theirs"} and saving.changed == ()
    (part,) = saving.errors
    assert (part.text, part.saved, part.shown) == ("Mine", "Theirs", fingerprint("Theirs"))
    assert not saving.invalid
    # Sent again from that form, the learner's text replaces it.
    again = save(saving.account, {"activity": "Mine", SHOWN + "activity": part.shown})
    assert again.account == {"activity": "Mine"}


def test_the_same_change_made_in_both_is_no_conflict():
    saving = save({"activity": "Same"}, form({}, activity="Same"))
    assert saving.account == {"activity": "Same"} and not saving.errors


def test_emptying_a_part_removes_it():
    saving = save({"code": "Text"}, form({"code": "Text"}, code="  "))
    assert saving.account == {} and saving.changed == ("code",)


def test_a_part_over_the_limit_writes_nothing_and_keeps_every_text():
    sent = form({}, activity="a" * (MAX_LENGTH + 1), learned="Fine")
    saving = save({}, sent)
    assert saving.invalid and saving.account == {} and saving.changed == ()
    texts = {part.heading.key: part.text for part in saving.parts}
    assert texts["activity"] == "a" * (MAX_LENGTH + 1) and texts["learned"] == "Fine"
    assert [part.heading.key for part in saving.errors] == ["activity"]


def test_a_part_not_sent_or_sent_without_what_it_showed_counts_as_showing_the_saved_text():
    saving = save({"activity": "Kept", "code": "Old"}, {"learned": "New", "code": "Newer"})
    assert saving.account == {"activity": "Kept", "learned": "New", "code": "Newer"}
    assert set(saving.changed) == {"learned", "code"} and set(KEYS) >= set(saving.changed)


def test_windows_line_ends_and_outer_space_are_not_a_change():
    saving = save({"learned": "One\nTwo"}, form({"learned": "One\nTwo"}, learned=" One\r\nTwo\n"))
    assert saving.changed == () and saving.account == {"learned": "One\nTwo"}


def test_a_form_shown_again_unsaved_keeps_what_it_showed_and_every_text_as_typed():
    sent = form({"activity": "Old"}, activity="  Mine\n", practice="Typed")
    del sent["code"]
    parts = {p.heading.key: p for p in as_sent({"activity": "Theirs", "code": "Kept"}, sent)}
    assert (parts["activity"].text, parts["activity"].shown) == ("  Mine\n", fingerprint("Old"))
    assert (parts["practice"].text, parts["practice"].shown) == ("Typed", fingerprint(""))
    assert (parts["code"].text, parts["code"].shown) == ("Kept", fingerprint("Kept"))
    assert not any(p.error for p in parts.values())
