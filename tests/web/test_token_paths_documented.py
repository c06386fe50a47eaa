"""Every route that takes a one-use token in its path is named in the README's paragraph on
access logs, and in its nginx example that masks the token, so an operator who logs
requests knows which paths to mask."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_path_with_a_token_is_named_where_the_readme_says_to_mask_it(app):
    text = README.read_text()
    paragraph = text[text.index("**Access logs hold one-use links.**") :]
    paragraph = paragraph[: paragraph.index("\nSessions live in signed cookies")]
    masked = re.search(r"\(\?<kept>/\(([^)]*)\)/\)", paragraph).group(1).split("|")
    rules = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    prefixes = {rule.rule.split("<token>")[0] for rule in rules}
    assert prefixes == {
        "/reset-password/",
        "/register/confirm/",
        "/account/email/confirm/",
        "/unsubscribe/",
    }
    for prefix in prefixes:
        assert f"`{prefix}TOKEN`" in paragraph, prefix
        assert prefix.strip("/") in masked, prefix
