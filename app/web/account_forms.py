"""Forms for recovering and managing an account."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from app.domain.accounts import MAX_PASSWORD_LENGTH, PROFESSIONS
from app.web.forms import NewPassword


def email_field(label: str) -> EmailField:
    """An email address field with the NHS error messages."""
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address"),
            Email(
                "Enter an email address in the correct format, like name@example.org",
                check_deliverability=False,
            ),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )


def current_password_field() -> PasswordField:
    """The current password, asked for before a change that matters."""
    return PasswordField(
        "Your current password",
        validators=[DataRequired("Enter your current password"), Length(max=MAX_PASSWORD_LENGTH)],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field("Email address")


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password", validators=[DataRequired("Enter a new password"), NewPassword()]
    )


class DetailsForm(FlaskForm):
    full_name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    profession = RadioField(
        "Profession",
        choices=[SelectChoice(code, label) for code, label in PROFESSIONS.items()],
        validators=[DataRequired("Select your profession")],
    )
    registration_number = StringField(
        "Professional registration number (optional)",
        validators=[
            Optional(),
            Length(max=40, message="Registration number must be 40 characters or fewer"),
        ],
    )


class ChangeEmailForm(FlaskForm):
    email = email_field("New email address")
    current_password = current_password_field()


class JoinOrganisationForm(FlaskForm):
    join_code = StringField(
        "Join code",
        validators=[
            DataRequired("Enter the join code your manager gave you"),
            Length(max=32, message="Join code must be 32 characters or fewer"),
        ],
    )


class DeleteAccountForm(FlaskForm):
    current_password = current_password_field()
