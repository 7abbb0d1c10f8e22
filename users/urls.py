from django.urls import re_path

from users import views
from users.models import USERNAME_URL_PATTERN

app_name = "users"

# Every route here answers with or without its trailing slash, as the contract has the profile do:
# a client that drops a slash gets the same answer, not a redirect that loses its POST body.
USERNAME = rf"(?P<username>{USERNAME_URL_PATTERN})"

# Mounted at /api/: the users API and every page about a user, in one place.
urlpatterns = [
    re_path(r"^users/register/?$", views.RegisterView.as_view(), name="register"),
    re_path(r"^users/login/?$", views.LoginView.as_view(), name="login"),
    re_path(r"^users/logout/?$", views.LogoutView.as_view(), name="logout"),
    re_path(r"^users/logoutall/?$", views.LogoutAllView.as_view(), name="logout-all"),
    re_path(r"^users/password/?$", views.PasswordChangeView.as_view(), name="password-change"),
    re_path(r"^users/password/reset/?$", views.PasswordResetView.as_view(), name="password-reset"),
    re_path(
        r"^users/password/reset/confirm/?$",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    re_path(r"^users/email/verify/?$", views.EmailVerifyView.as_view(), name="email-verify"),
    re_path(
        r"^users/email/verify/resend/?$",
        views.EmailVerificationResendView.as_view(),
        name="email-verify-resend",
    ),
    re_path(r"^users/user/?$", views.CurrentUserView.as_view(), name="current-user"),
    re_path(r"^users/user/export/?$", views.ExportView.as_view(), name="export"),
    re_path(r"^users/follow/?$", views.FollowView.as_view(), name="follow"),
    re_path(r"^users/unfollow/?$", views.UnfollowView.as_view(), name="unfollow"),
    re_path(rf"^users/profile/{USERNAME}/?$", views.ProfileView.as_view(), name="profile-edit"),
    # Any other first segment is a username (the names above are reserved).
    re_path(rf"^users/{USERNAME}/?$", views.ProfileView.as_view(), name="profile"),
    re_path(rf"^users/{USERNAME}/followers/?$", views.FollowersView.as_view(), name="followers"),
    re_path(rf"^users/{USERNAME}/following/?$", views.FollowingView.as_view(), name="following"),
    re_path(rf"^users/{USERNAME}/activity/?$", views.ActivityView.as_view(), name="activity"),
    re_path(rf"^users/{USERNAME}/avatar/?$", views.AvatarView.as_view(), name="avatar"),
    re_path(rf"^users/{USERNAME}/games/?$", views.UserGamesView.as_view(), name="games"),
    re_path(rf"^users/{USERNAME}/journal/?$", views.JournalView.as_view(), name="journal"),
    re_path(rf"^users/{USERNAME}/favourites/?$", views.FavouritesView.as_view(), name="favourites"),
    re_path(rf"^users/{USERNAME}/stats/?$", views.StatsView.as_view(), name="stats"),
    re_path(r"^feed/?$", views.FeedView.as_view(), name="feed"),
]
