from overworld.routing import route
from users import views
from users.models import USERNAME_URL_PATTERN

app_name = "users"

USERNAME = rf"(?P<username>{USERNAME_URL_PATTERN})"

# The pages about a user, at users/<username>/<page>, each route named by its page.
USER_PAGES = {
    "followers": views.FollowersView,
    "following": views.FollowingView,
    "activity": views.ActivityView,
    "avatar": views.AvatarView,
    "games": views.UserGamesView,
    "journal": views.JournalView,
    "favourites": views.FavouritesView,
    "stats": views.StatsView,
}

# Mounted at /api/: the users API and every page about a user, in one place. Each route answers with or
# without its trailing slash (`route`), as the contract has the profile do.
urlpatterns = [
    route("users/register", views.RegisterView, "register"),
    route("users/login", views.LoginView, "login"),
    route("users/logout", views.LogoutView, "logout"),
    route("users/logoutall", views.LogoutAllView, "logout-all"),
    route("users/password", views.PasswordChangeView, "password-change"),
    route("users/password/reset", views.PasswordResetView, "password-reset"),
    route("users/password/reset/confirm", views.PasswordResetConfirmView, "password-reset-confirm"),
    route("users/email/verify", views.EmailVerifyView, "email-verify"),
    route("users/email/verify/resend", views.EmailVerificationResendView, "email-verify-resend"),
    route("users/user", views.CurrentUserView, "current-user"),
    route("users/user/export", views.ExportView, "export"),
    route("users/follow", views.FollowView, "follow"),
    route("users/unfollow", views.UnfollowView, "unfollow"),
    route(rf"users/profile/{USERNAME}", views.ProfileView, "profile-edit"),
    # Any other first segment is a username (the names above are reserved).
    route(rf"users/{USERNAME}", views.ProfileView, "profile"),
    *(route(rf"users/{USERNAME}/{page}", view, page) for page, view in USER_PAGES.items()),
    route("feed", views.FeedView, "feed"),
]
