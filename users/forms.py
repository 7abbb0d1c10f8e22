"""The HTML login forms (the admin's, the browsable API's), guarded like the API's login."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from overworld.exceptions import TooManyAttemptsError
from users.throttling import LoginThrottle


def _minutes(seconds: float) -> int:
    return max(1, -(-int(seconds) // 60))


class GuardedLoginFormMixin:
    """
    The login throttle of the API's login views (per client, THROTTLE_LOGIN) on a posted form, and
    the lockout's refusal (raised by users.backends.GuardedModelBackend) as the form's error.
    """

    def clean(self):
        throttle = LoginThrottle()
        if not throttle.allow_request(self.request, None):
            raise ValidationError(
                f"Too many login attempts. Try again in {_minutes(throttle.wait() or 60)} minute(s).",
                code="throttled",
            )
        try:
            return super().clean()
        except TooManyAttemptsError as error:
            raise ValidationError(
                f"Too many failed logins. Try again in {_minutes(error.retry_after)} minute(s).",
                code="locked",
            ) from error


class BrowsableAPILoginForm(GuardedLoginFormMixin, AuthenticationForm):
    pass


class AdminLoginForm(GuardedLoginFormMixin, AdminAuthenticationForm):
    pass
