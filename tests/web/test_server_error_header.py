"""A server error's page cannot ask who is signed in, and says nothing either way."""

from tests.conftest import sign_in


def failing(app):
    """Add a page that fails before anything looks up the user."""

    @app.get("/boom")
    def boom():
        raise RuntimeError("a fault")

    app.config["PROPAGATE_EXCEPTIONS"] = False


def test_a_signed_in_visitor_is_not_offered_sign_in_on_a_server_error(app, make_user):
    failing(app)
    client = app.test_client()
    make_user()
    sign_in(client, "learner@example.org")
    page = client.get("/boom")
    assert page.status_code == 500
    assert "Sign in" not in page.text and "Sign out" not in page.text
    assert "Sorry, there is a problem with the service" in page.text


def test_a_signed_out_visitor_is_still_offered_sign_in_on_a_server_error(app):
    failing(app)
    page = app.test_client().get("/boom")
    assert page.status_code == 500
    assert "Sign in" in page.text
