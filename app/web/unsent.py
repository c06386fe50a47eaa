"""What a page says when the email it is there to send could not be sent just now.

The answer is a 503 with Retry-After, the form shown again as it was typed (but for a
password) and the NHS error pattern: one message, at the email field and in the summary.
It is the same whether or not the address has an account, so it tells nobody who has one.
"""

# The "few minutes" the message asks for, as Retry-After (seconds).
RETRY_AFTER = 120
NOT_SENT = "We could not send the email just now. Try again in a few minutes"


def mark(field) -> None:
    """Put the message on the email field the form was sent with."""
    field.errors = [*field.errors, NOT_SENT]


def answer(page: str) -> tuple[str, int, dict[str, str]]:
    """Return the page re-shown with the message, as a 503 saying when to try again."""
    return page, 503, {"Retry-After": str(RETRY_AFTER)}
