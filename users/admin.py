from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.contrib.auth.forms import UserCreationForm as DjangoUserCreationForm
from django.core.exceptions import ValidationError
from django.db.models import Count
from knox.models import AuthToken

from games.models import GameState
from overworld.exceptions import TooManyAttemptsError
from users import services
from users.models import Activity, Follow, User

# Knox's own admin lists token digests; ours never shows them.
admin.site.unregister(AuthToken)


class LockoutAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin's login goes through the same lockout as the API's: guessing is stopped here too."""

    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.user_authenticate(
                    request=self.request, username=username, password=password
                )
            except TooManyAttemptsError as error:
                minutes = -(-error.retry_after // 60)
                raise ValidationError(
                    f"Too many failed logins. Try again in {minutes} minute(s).", code="locked"
                ) from error
            except ValidationError as error:
                raise self.get_invalid_login_error() from error
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


admin.site.login_form = LockoutAdminAuthenticationForm


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


class FollowingInline(admin.TabularInline):
    model = Follow
    fk_name = "follower"
    verbose_name = "follows"
    verbose_name_plural = "following"
    fields = ("followed", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("followed",)
    extra = 0


class FollowersInline(admin.TabularInline):
    model = Follow
    fk_name = "followed"
    verbose_name = "follower"
    verbose_name_plural = "followers"
    fields = ("follower", "created_at")
    readonly_fields = ("created_at",)
    raw_id_fields = ("follower",)
    extra = 0


class ShelfInline(admin.TabularInline):
    model = GameState
    verbose_name = "game on a shelf"
    verbose_name_plural = "shelves"
    fields = ("game", "played", "liked", "backlog", "wishlist", "updated_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


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
    readonly_fields = ("uuid", "date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("username", "email", "email_verified", "password", "uuid")}),
        ("Profile", {"fields": ("bio", "location", "twitter")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )
    inlines = (TokenInline, FollowingInline, FollowersInline, ShelfInline)
    actions = ("deactivate",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                following_total=Count("following_set", distinct=True),
                followers_total=Count("follower_set", distinct=True),
            )
        )

    @admin.display(description="following", ordering="following_total")
    def following_count(self, user):
        return user.following_total

    @admin.display(description="followers", ordering="followers_total")
    def followers_count(self, user):
        return user.followers_total

    @admin.action(description="Deactivate the selected users and revoke their tokens")
    def deactivate(self, request, queryset):
        users = list(queryset.exclude(pk=request.user.pk))
        for user in users:
            services.user_deactivate(user=user)
        self.message_user(request, f"{len(users)} user(s) deactivated.", messages.SUCCESS)


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ("follower", "followed", "created_at")
    search_fields = ("follower__username", "followed__username")
    raw_id_fields = ("follower", "followed")
    list_select_related = ("follower", "followed")
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
