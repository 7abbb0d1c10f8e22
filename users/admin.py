from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from django.core.exceptions import PermissionDenied
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from knox.models import AuthToken

from games.models import GameState
from overworld.admin import RawIdAdmin
from users import avatars, security, services
from users.forms import AdminLoginForm
from users.models import Activity, Follow, User

# Knox's own admin lists token digests; ours never shows them.
admin.site.unregister(AuthToken)


# The admin's login goes through the same throttle and lockout as the API's (users/forms.py).
admin.site.login_form = AdminLoginForm


class UserCreationForm(DjangoUserCreationForm):
    class Meta(DjangoUserCreationForm.Meta):
        model = User
        fields = ("username", "email")


class UserChangeForm(DjangoUserChangeForm):
    class Meta(DjangoUserChangeForm.Meta):
        model = User


class TokenInline(admin.TabularInline):
    model = AuthToken
    verbose_name = "active token"
    fields = ("created", "expiry")
    readonly_fields = fields
    extra = 0
    can_delete = True
    ordering = ("-created",)

    def has_add_permission(self, request, obj=None):
        return False


FOLLOWS_AND_SHELVES = ("followers_link", "following_link", "shelves_link")


def _count_of(queryset) -> Coalesce:
    """A correlated COUNT(*) subquery: one per row, never a join that multiplies followers by followings."""
    counted = queryset.order_by().annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Coalesce(Subquery(counted), 0)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = (
        "username",
        "email",
        "is_active",
        "is_staff",
        "date_joined",
        "following_count",
        "followers_count",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "email_verified")
    search_fields = ("username", "email")
    ordering = ("-date_joined",)
    readonly_fields = ("uuid", "date_joined", "last_login", "picture", *FOLLOWS_AND_SHELVES)
    fieldsets = (
        (None, {"fields": ("username", "email", "email_verified", "password", "uuid")}),
        ("Profile", {"fields": ("picture", "use_gravatar", "bio", "location", "twitter")}),
        # Counts and links to the filtered lists, not inlines: the page costs the same for a user with
        # 3,000 followers as for one with none (inlines rendered every row: 3,022 queries, 13.7 s).
        ("Follows and shelves", {"fields": FOLLOWS_AND_SHELVES}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    # At most TOKEN_LIMIT_PER_USER tokens: a bounded inline.
    inlines = (TokenInline,)
    actions = ("deactivate", "reactivate", "revoke_tokens", "clear_lockout", "remove_pictures")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                following_total=_count_of(Follow.objects.filter(follower=OuterRef("pk"))),
                followers_total=_count_of(Follow.objects.filter(followed=OuterRef("pk"))),
            )
        )

    @admin.display(description="following", ordering="following_total")
    def following_count(self, user):
        return user.following_total

    @admin.display(description="followers", ordering="followers_total")
    def followers_count(self, user):
        return user.followers_total

    @admin.display(description="followers")
    def followers_link(self, user):
        return _count_link(user.followers_total, "admin:users_follow_changelist", followed__id__exact=user.pk)

    @admin.display(description="following")
    def following_link(self, user):
        return _count_link(user.following_total, "admin:users_follow_changelist", follower__id__exact=user.pk)

    @admin.display(description="games on shelves")
    def shelves_link(self, user):
        count = GameState.objects.filter(user=user).count()
        return _count_link(count, "admin:games_gamestate_changelist", user__id__exact=user.pk)

    @admin.display(description="picture")
    def picture(self, user):
        if not user.avatar:
            return "None uploaded" + (" (shows their Gravatar)" if user.use_gravatar else "")
        # A button of the change form, posting it to the removal view rather than saving it.
        return format_html(
            '<img src="{}" width="128" height="128" alt="The picture of {}"><br>'
            '<button type="submit" formaction="{}" formmethod="post">Remove this picture</button>',
            avatars.avatar_urls(user)["large"],
            user.username,
            reverse("admin:users_user_remove_picture", args=[user.pk]),
        )

    def get_urls(self):
        remove = self.admin_site.admin_view(self.remove_picture_view)
        return [
            path("<int:user_id>/remove-picture/", remove, name="users_user_remove_picture"),
            *super().get_urls(),
        ]

    def _remove_picture(self, request, user: User) -> None:
        avatars.avatar_remove(user=user, actor=request.user, request=request)
        self.log_change(request, user, "Removed the profile picture.")

    def remove_picture_view(self, request, user_id: int):
        """Moderation: removes a user's picture (security log and the user's admin history say who)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        user = get_object_or_404(User, pk=user_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        self._remove_picture(request, user)
        self.message_user(request, f"The picture of {user.username} was removed.", messages.SUCCESS)
        return redirect("admin:users_user_change", user.pk)

    @admin.action(description="Remove the selected users' pictures", permissions=["change"])
    def remove_pictures(self, request, queryset):
        users = list(queryset.exclude(avatar=""))
        for user in users:
            self._remove_picture(request, user)
        self.message_user(request, f"{len(users)} picture(s) removed.", messages.SUCCESS)

    @admin.action(description="Deactivate the selected users and revoke their tokens")
    def deactivate(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            services.user_deactivate(user=user)
        self.message_user(request, f"{len(users)} user(s) deactivated.", messages.SUCCESS)

    @admin.action(description="Reactivate the selected users")
    def reactivate(self, request, queryset):
        users = list(queryset.filter(is_active=False))
        for user in users:
            services.user_reactivate(user=user)
        self.message_user(request, f"{len(users)} user(s) reactivated.", messages.SUCCESS)

    @admin.action(description="Revoke all tokens of the selected users (log them out everywhere)")
    def revoke_tokens(self, request, queryset):
        users = list(queryset)
        for user in users:
            services.token_revoke_all(user=user, request=request)
        self.message_user(request, f"Every token of {len(users)} user(s) revoked.", messages.SUCCESS)

    @admin.action(description="Clear the login lockout of the selected users")
    def clear_lockout(self, request, queryset):
        usernames = list(queryset.values_list("username", flat=True))
        cleared = sum(security.lockout_clear(username=username) for username in usernames)
        message = f"Login lockout cleared for {len(usernames)} user(s) ({cleared} client(s))."
        self.message_user(request, message, messages.SUCCESS)


def _count_link(count: int, changelist: str, **filters) -> str:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    return format_html('<a href="{}?{}">{}</a>', reverse(changelist), query, count)


@admin.register(Follow)
class FollowAdmin(RawIdAdmin):
    list_display = ("follower", "followed", "created_at")
    search_fields = ("follower__username", "followed__username")
    raw_id_fields = ("follower", "followed")
    date_hierarchy = "created_at"


@admin.register(AuthToken)
class TokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created", "expiry")
    search_fields = ("user__username",)
    fields = ("user", "created", "expiry")
    readonly_fields = fields
    list_select_related = ("user",)
    ordering = ("-created",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Events are derived from what users do: staff read them, and may delete one, but never write one."""

    list_display = ("actor", "verb", "game", "target", "shelf", "rating", "created_at")
    list_filter = ("verb",)
    search_fields = ("actor__username", "game__name", "target__username")
    list_select_related = ("actor", "game", "target")
    readonly_fields = ("actor", "verb", "game", "target", "journal_entry", "shelf", "rating", "created_at")

    def has_add_permission(self, request):
        return False
