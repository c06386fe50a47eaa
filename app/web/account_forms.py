"""Forms for recovering and managing an account."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.web.forms import (
    NewPassword,
    email_field,
    full_name_field,
    password_length,
    profession_field,
    registration_number_field,
)


def current_password_field() -> PasswordField:
    """The current password, asked for before a change that matters."""
    return PasswordField(
        "Your current password",
        validators=[
            DataRequired("Enter your current password"),
            password_length("Your current password"),
        ],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field("Email address")


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password"), NewPassword("New password")],
    )


class DetailsForm(FlaskForm):
    """The learner's details, with what each field showed when the form was drawn."""

    full_name = full_name_field()
    profession = profession_field()
    registration_number = registration_number_field()
    shown_full_name = HiddenField()
    shown_profession = HiddenField()
    shown_registration_number = HiddenField()

    FIELDS = ("full_name", "profession", "registration_number")

    def entered(self) -> dict[str, str]:
        """Return the details as entered."""
        return {name: self[name].data or "" for name in self.FIELDS}

    def shown(self, sent) -> dict[str, str] | None:
        """Return what each field showed when drawn; None from a form drawn without them."""
        if any(f"shown_{name}" not in sent for name in self.FIELDS):
            return None
        return {name: self[f"shown_{name}"].data or "" for name in self.FIELDS}

    def draw(self, current, keep=()) -> None:
        """Show the details as they now stand, but for the fields in `keep` (as entered)."""
        for name in self.FIELDS:
            self[f"shown_{name}"].data = current[name] or ""
            if name not in keep:
                self[name].data = current[name] or ""


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
