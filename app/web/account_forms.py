"""Forms for recovering and managing an account."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.domain.accounts import MAX_PASSWORD_LENGTH
from app.web.forms import (
    NewPassword,
    email_field,
    full_name_field,
    profession_field,
    registration_number_field,
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
    full_name = full_name_field()
    profession = profession_field()
    registration_number = registration_number_field()


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
