from django.contrib.auth.backends import ModelBackend

from users import security
from users.models import User


class GuardedModelBackend(ModelBackend):
    """
    Django's username-and-password check behind the login lockout and the security log
    (users/security.py). Every way in authenticates here (the API and Azuma logins through
    `services.user_authenticate`, the admin's and the browsable API's login forms through Django's
    `authenticate`), so they share one count: a locked account gets a token or a session nowhere.
    A locked attempt raises TooManyAttemptsError out of `authenticate()`.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        security.login_attempt_begin(request=request, username=username)
        try:
            user = User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            # Hash the password anyway, so that the timing does not tell an unknown name either.
            User().set_password(password)
            security.login_failure_record(request=request, username=username, user_id=None)
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            security.login_failure_record(request=request, username=username, user_id=user.pk)
            return None
        security.login_success_record(request=request, username=username, user_id=user.pk)
        return user
