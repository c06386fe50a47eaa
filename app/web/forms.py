"""Forms with their field rules; views add the account rules that need the database."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    Length,
    Optional,
    StopValidation,
    ValidationError,
)

from app.domain.accounts import (
    MAX_PASSWORD_LENGTH,
    PROFESSIONS,
    password_problem,
    registration_number_problem,
)
from app.domain.names import name_problem


class NewPassword:
    """Refuse short and common passwords, and ones made of the user's own name or email.

    `called` is what the page calls the field, when the rules' "Password" would not say it.
    """

    def __init__(self, called: str = "Password"):
        self.called = called

    def __call__(self, form, field):
        problem = password_problem(
            field.data or "",
            email=getattr(form, "email", None) and form.email.data or "",
            full_name=getattr(form, "full_name", None) and form.full_name.data or "",
        )
        if problem:
            raise ValidationError(problem.replace("Password", self.called, 1))


def password_length(label: str) -> Length:
    """Refuse a password longer than any Linkwise accepts, naming the field as the page does."""
    return Length(
        max=MAX_PASSWORD_LENGTH,
        message=f"{label} must be {MAX_PASSWORD_LENGTH} characters or fewer",
    )


def _as_shown(form, field) -> bool:
    """Say whether the form sends a field back as it showed it when drawn (shown_<field>)."""
    shown = getattr(form, f"shown_{field.name}", None)
    return (
        shown is not None
        and shown.data is not None
        and (field.data or "").strip() == shown.data.strip()
    )


class FullName:
    """Refuse a full name that is not one line of visible text (domain rule).

    A name the form sends back as it was drawn is not checked again, so one saved before
    the rule does not stop the learner changing their profession; it stays as it is.
    """

    def __call__(self, form, field):
        if _as_shown(form, field) and (field.data or "").strip():
            return
        problem = name_problem(
            (field.data or "").strip(), label="Full name", missing="Enter your full name"
        )
        if problem:
            raise StopValidation(problem)


def full_name_field() -> StringField:
    """The learner's full name, as it appears on certificates."""
    return StringField("Full name", validators=[FullName()])


def stopping(check):
    """Return the validator `check`, ending the field's checks when it fails.

    One error a field, shown the same in the error summary and beside the field: a check
    that would add a second message to one already found is not asked.
    """

    def run(form, field):
        try:
            check(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None

    run.field_flags = getattr(check, "field_flags", {})
    return run


def email_field(label: str) -> EmailField:
    """An email address field with the NHS error messages, one at a time.

    The length comes first: an address too long is told so, rather than that its format is
    wrong (which a long address may be as well, but shortening it is the fix to make).
    """
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address"),
            stopping(Length(max=254, message="Email address must be 254 characters or fewer")),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
        ],
    )


def profession_field() -> RadioField:
    """One of the professions Linkwise knows, as radios."""
    # One check, one message: WTForms' own check of the choice would add "Not a valid
    # choice." (beside ours, for no choice at all).
    return RadioField(
        "Profession",
        choices=[SelectChoice(code, label) for code, label in PROFESSIONS.items()],
        validate_choice=False,
        validators=[AnyOf(list(PROFESSIONS), message="Select your profession")],
    )


class RegistrationNumber:
    """Refuse what no professional registration number looks like, or what the regulator of
    the profession chosen on the same form could not have issued (domain rule).

    A number the form shows as it was drawn (shown_<field>) and sends back unchanged is not
    checked again: one saved before the rule does not stop the learner changing their name.
    The save leaves it as it is.
    """

    def __call__(self, form, field):
        if _as_shown(form, field):
            return
        profession = getattr(form, "profession", None)
        problem = registration_number_problem(
            (field.data or "").strip(), profession.data if profession else None
        )
        if problem:
            raise ValidationError(problem)


def registration_number_field() -> StringField:
    """A professional registration number, which a learner may leave out."""
    return StringField(
        "Professional registration number (optional)",
        validators=[Optional(), RegistrationNumber()],
    )


class RegisterForm(FlaskForm):
    full_name = full_name_field()
    email = email_field("Email address")
    profession = profession_field()
    registration_number = registration_number_field()
    join_code = StringField(
        "Organisation join code (optional)",
        validators=[Optional(), Length(max=32, message="Join code must be 32 characters or fewer")],
    )
    password = PasswordField(
        "Create a password",
        validators=[DataRequired("Enter a password"), NewPassword()],
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password"), password_length("Password")],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[
            DataRequired("Enter your current password"),
            password_length("Current password"),
        ],
    )
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password"), NewPassword("New password")],
    )

    def validate_new_password(self, field):
        if field.errors:
            return  # one problem at a time: the rules' own comes first
        if field.data and field.data == self.current_password.data:
            raise ValidationError("New password must be different from your current password")
