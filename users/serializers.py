from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from knox.models import AuthToken
from rest_framework import serializers

from games.models import SHELF_FIELDS, GameState
from games.serializers import GameSummarySerializer
from users.avatars import avatar_urls, legacy_gravatar_url
from users.models import USERNAME_MAX_LENGTH, Activity, User

# Bound what a client may make the server hash: long enough for any passphrase.
PASSWORD_MAX_LENGTH = 4096


class EmptyStringAsNullField(serializers.CharField):
    """Optional text: empty is shown as null, and null is accepted to clear it."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, allow_null=True, required=False, **kwargs)

    def run_validation(self, data=serializers.empty):
        return "" if data is None else super().run_validation(data)

    def to_representation(self, value):
        return value or None


class TwitterField(EmptyStringAsNullField):
    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return value[1:] if value.startswith("@") else value


class PasswordField(serializers.CharField):
    """A password as typed: no trimming, never echoed, bounded in length."""

    def __init__(self, **kwargs):
        super().__init__(
            max_length=PASSWORD_MAX_LENGTH,
            trim_whitespace=False,
            write_only=True,
            style={"input_type": "password"},
            **kwargs,
        )


class AvatarSerializer(serializers.Serializer):
    # Relative to the API while MEDIA_URL is (its default, /media/): not declared as URIs.
    small = serializers.CharField(help_text="The URL of 64 x 64 pixels (WebP, or a Gravatar).")
    large = serializers.CharField(help_text="The URL of 256 x 256 pixels (WebP, or a Gravatar).")


@extend_schema_field(
    AvatarSerializer(
        allow_null=True,
        help_text=(
            "The user's picture, square, at two sizes; their Gravatar if they have none and turned "
            "`use_gravatar` on; else null. URLs change when the picture does."
        ),
    )
)
class AvatarField(serializers.Field):
    """A user's `avatar` (users/avatars.py), from the user row alone: no query."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, user):
        return avatar_urls(user)


@extend_schema_field(
    serializers.CharField(
        allow_null=True,
        help_text="The original web client's picture: `avatar.large`, or null.",
    )
)
class GravatarField(AvatarField):
    def to_representation(self, user):
        return legacy_gravatar_url(user)


USE_GRAVATAR_HELP = (
    "Only shown to the user: whether, without a picture of their own, their Gravatar (from their e-mail "
    "address) is shown."
)


class AvatarUploadSerializer(serializers.Serializer):
    avatar = serializers.FileField(
        help_text="A JPEG, PNG, WebP or GIF of at most 5 MiB and 8000 pixels a side."
    )


class AvatarResultSerializer(serializers.Serializer):
    avatar = AvatarField()


class UserSerializer(serializers.ModelSerializer):
    avatar = AvatarField()
    gravatar = GravatarField()

    class Meta:
        model = User
        fields = ["id", "username", "email", "avatar", "gravatar"]
        read_only_fields = fields


class CurrentUserSerializer(serializers.Serializer):
    # Declared rather than a ModelSerializer's: this answers on every page load of the SPA, and a
    # ModelSerializer introspects the model again for each request.
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    email_verified = serializers.BooleanField(read_only=True)
    pending_email = EmptyStringAsNullField(
        read_only=True,
        help_text="A new address awaiting confirmation by the link sent to it (null: none).",
    )
    bio = EmptyStringAsNullField(read_only=True)
    location = EmptyStringAsNullField(read_only=True)
    twitter = EmptyStringAsNullField(read_only=True)
    date_joined = serializers.DateTimeField(read_only=True)
    avatar = AvatarField()
    gravatar = GravatarField()
    use_gravatar = serializers.BooleanField(read_only=True, help_text=USE_GRAVATAR_HELP)


class RegisterSerializer(serializers.Serializer):
    # Shape only; the rules (reserved names, uniqueness, password policy) live in the service.
    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, trim_whitespace=False)
    email = serializers.EmailField(max_length=254)
    password = PasswordField()


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, trim_whitespace=False)
    password = PasswordField()


class AuthResponseSerializer(serializers.Serializer):
    user = UserSerializer()
    token = serializers.CharField(help_text="A knox token: send it as `Authorization: Token <token>`.")


class PasswordChangeSerializer(serializers.Serializer):
    current_password = PasswordField()
    new_password = PasswordField()


class PasswordConfirmSerializer(serializers.Serializer):
    password = PasswordField()


class UsernameSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=254, help_text="The user to follow or unfollow.")


class FollowResultSerializer(serializers.Serializer):
    username = serializers.CharField()
    following = serializers.BooleanField(help_text="Whether you now follow this user.")


class ProfileUpdateSerializer(serializers.Serializer):
    """The only fields a profile update may change; anything else in the body is ignored."""

    username = serializers.CharField(max_length=USERNAME_MAX_LENGTH, required=False, trim_whitespace=False)
    email = serializers.EmailField(max_length=254, required=False)
    bio = EmptyStringAsNullField(max_length=500)
    location = EmptyStringAsNullField(max_length=100)
    twitter = TwitterField(
        max_length=16,
        validators=[
            RegexValidator(
                r"^@?[A-Za-z0-9_]{0,15}\Z", "Enter a Twitter handle: up to 15 letters, digits or '_'."
            )
        ],
    )
    use_gravatar = serializers.BooleanField(
        required=False,
        help_text=(
            "Show your Gravatar (from your e-mail address) when you have no picture of your own. Off "
            "until you turn it on: the address's hash is never published without your consent."
        ),
    )
    # camelCase: the original web client's own name.
    refreshAvatar = serializers.BooleanField(
        required=False,
        help_text=(
            "The original web client's: changes nothing; the profile answered carries the picture as it "
            "is now (your upload, or your Gravatar if you turned it on)."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="A token: send it as `Authorization: Token <token>`.")


# The data export: everything stored about the user.


class ExportAccountSerializer(serializers.ModelSerializer):
    avatar = AvatarField()

    class Meta:
        model = User
        fields = [
            "id",
            "uuid",
            "username",
            "email",
            "email_verified",
            "bio",
            "location",
            "twitter",
            "avatar",
            "use_gravatar",
            "date_joined",
            "last_login",
        ]
        read_only_fields = fields


class ExportFollowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.id")
    username = serializers.CharField(source="user.username")
    since = serializers.DateTimeField(source="created_at")


class ExportShelfSerializer(serializers.ModelSerializer):
    game = GameSummarySerializer()

    class Meta:
        model = GameState
        fields = ["game", *SHELF_FIELDS, "created_at", "updated_at"]
        read_only_fields = fields


class ExportTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuthToken
        fields = ["created", "expiry"]
        read_only_fields = fields


class ExportSerializer(serializers.Serializer):
    account = ExportAccountSerializer(source="user")
    following = ExportFollowSerializer(many=True)
    followers = ExportFollowSerializer(many=True)
    shelves = ExportShelfSerializer(many=True)
    tokens = ExportTokenSerializer(many=True, help_text="Your active sessions (never their secrets).")


class UserListItemSerializer(serializers.Serializer):
    """A user in a followers or following list."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    avatar = AvatarField()
    followed_by_you = serializers.SerializerMethodField(
        help_text="Whether you follow this user; null when anonymous."
    )

    def get_followed_by_you(self, user) -> bool | None:
        followed_ids = self.context.get("followed_ids")
        return None if followed_ids is None else user.pk in followed_ids


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    avatar = AvatarField()


class ActivitySerializer(serializers.ModelSerializer):
    """An event: who (`actor`) did what (`verb`) to which game or user, and when."""

    actor = UserRefSerializer()
    game = GameSummarySerializer(allow_null=True)
    user = UserRefSerializer(source="target", allow_null=True, help_text="The user followed, for `followed`.")
    shelf = serializers.CharField(allow_null=True, help_text="The shelf, for `shelved`.")
    journal_entry = serializers.IntegerField(source="journal_entry_id", allow_null=True)

    class Meta:
        model = Activity
        fields = ["id", "verb", "actor", "game", "user", "shelf", "rating", "journal_entry", "created_at"]
        read_only_fields = fields

    def to_representation(self, activity):
        data = super().to_representation(activity)
        data["shelf"] = data["shelf"] or None
        return data


class FinishedYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    games = serializers.IntegerField(help_text="Distinct games finished that year (from the journal).")


class StatsSerializer(serializers.Serializer):
    shelves = serializers.DictField(child=serializers.IntegerField(), help_text="Games per shelf.")
    finished_per_year = FinishedYearSerializer(many=True)
    rating_histogram = serializers.DictField(
        child=serializers.IntegerField(), help_text='Games rated each value: {"1": n, ..., "10": n}.'
    )
    journal_entries_this_year = serializers.IntegerField()


# Password reset and e-mail verification.


class PasswordResetSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254, help_text="The address of the account.")


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="The `uid` of the reset link.")
    token = serializers.CharField(max_length=128, help_text="The `token` of the reset link.")
    new_password = PasswordField()


class EmailVerifySerializer(serializers.Serializer):
    key = serializers.CharField(max_length=256, help_text="The `key` of the verification link.")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class EmailVerifiedSerializer(serializers.Serializer):
    email_verified = serializers.BooleanField(help_text="Always true: the address is verified.")
