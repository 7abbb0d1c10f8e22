from django.urls import re_path

from games import views as games_views
from users import views
from users.models import USERNAME_URL_PATTERN

app_name = "users"

# Every route here answers with or without its trailing slash, as the contract has the profile do:
# a client that drops a slash gets the same answer, not a redirect that loses its POST body.
USERNAME = rf"(?P<username>{USERNAME_URL_PATTERN})"

urlpatterns = [
    re_path(r"^register/?$", views.RegisterView.as_view(), name="register"),
    re_path(r"^login/?$", views.LoginView.as_view(), name="login"),
    re_path(r"^logout/?$", views.LogoutView.as_view(), name="logout"),
    re_path(r"^logoutall/?$", views.LogoutAllView.as_view(), name="logout-all"),
    re_path(r"^password/?$", views.PasswordChangeView.as_view(), name="password-change"),
    re_path(r"^password/reset/?$", views.PasswordResetView.as_view(), name="password-reset"),
    re_path(
        r"^password/reset/confirm/?$", views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"
    ),
    re_path(r"^email/verify/?$", views.EmailVerifyView.as_view(), name="email-verify"),
    re_path(
        r"^email/verify/resend/?$", views.EmailVerificationResendView.as_view(), name="email-verify-resend"
    ),
    re_path(r"^user/?$", views.CurrentUserView.as_view(), name="current-user"),
    re_path(r"^user/export/?$", views.ExportView.as_view(), name="export"),
    re_path(r"^follow/?$", views.FollowView.as_view(), name="follow"),
    re_path(r"^unfollow/?$", views.UnfollowView.as_view(), name="unfollow"),
    re_path(rf"^profile/{USERNAME}/?$", views.ProfileView.as_view(), name="profile-edit"),
    # Any other first segment is a username (the names above are reserved).
    re_path(rf"^{USERNAME}/?$", views.ProfileView.as_view(), name="profile"),
    re_path(rf"^{USERNAME}/followers/?$", views.FollowersView.as_view(), name="followers"),
    re_path(rf"^{USERNAME}/following/?$", views.FollowingView.as_view(), name="following"),
    re_path(rf"^{USERNAME}/activity/?$", views.ActivityView.as_view(), name="activity"),
    re_path(rf"^{USERNAME}/avatar/?$", views.AvatarView.as_view(), name="avatar"),
    re_path(rf"^{USERNAME}/games/?$", games_views.UserGamesView.as_view(), name="games"),
    re_path(rf"^{USERNAME}/journal/?$", games_views.JournalView.as_view(), name="journal"),
    re_path(rf"^{USERNAME}/favourites/?$", games_views.FavouritesView.as_view(), name="favourites"),
    re_path(rf"^{USERNAME}/stats/?$", games_views.StatsView.as_view(), name="stats"),
]
