from django.conf import settings
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated

EMAIL_NOT_VERIFIED = "Verify your e-mail address first."


class HasVerifiedEmail(BasePermission):
    """
    With EMAIL_VERIFICATION_REQUIRED on, a user whose address is not verified may read but not act on
    others (the views that list this permission: follow, unfollow, profile edits). Off by default;
    anonymous requests are left to the view's other permissions.
    """

    message = EMAIL_NOT_VERIFIED
    code = "email_not_verified"

    def has_permission(self, request, view) -> bool:
        if not settings.EMAIL_VERIFICATION_REQUIRED or request.method in SAFE_METHODS:
            return True
        user = request.user
        return not user.is_authenticated or user.email_verified


def owner_writes_permissions(request) -> list[BasePermission]:
    """Anyone reads; writing takes a token (and a verified address when the setting asks for one)."""
    if request.method in SAFE_METHODS:
        return [AllowAny()]
    return [IsAuthenticated(), HasVerifiedEmail()]
