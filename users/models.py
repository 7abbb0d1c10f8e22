import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

USERNAME_MIN_LENGTH = 3
USERNAME_MAX_LENGTH = 30
# What a username in a URL may look like (its length is checked by the lookup, not the route).
USERNAME_URL_PATTERN = r"[A-Za-z0-9_.-]+"

username_validator = RegexValidator(
    regex=rf"^[A-Za-z0-9_.-]{{{USERNAME_MIN_LENGTH},{USERNAME_MAX_LENGTH}}}\Z",
    message=(
        f"Enter a username of {USERNAME_MIN_LENGTH} to {USERNAME_MAX_LENGTH} characters: "
        "ASCII letters, digits, '_', '-' and '.' only."
    ),
    code="invalid_username",
)


class UserQuerySet(models.QuerySet):
    def with_username(self, username: str) -> "UserQuerySet":
        """Case-insensitive match that uses the functional unique index on LOWER(username)."""
        return self.with_lowercased_username(username.lower())

    def with_lowercased_username(self, lowercased: str) -> "UserQuerySet":
        """`with_username` of a name already lowercased."""
        return self.alias(username_lower=Lower("username")).filter(username_lower=lowercased)

    def with_email(self, email: str) -> "UserQuerySet":
        return self.alias(email_lower=Lower("email")).filter(email_lower=email.lower())


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    def get_by_natural_key(self, username):
        # Django's ModelBackend authenticates through this: usernames are case-insensitive.
        return self.with_username(username).get()


class User(AbstractUser):
    """An Overworld account. `id` is the integer id of the Overworld API, `uuid` the Azuma one."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    username = models.CharField(
        max_length=USERNAME_MAX_LENGTH,
        unique=True,
        validators=[username_validator],
        help_text=(
            f"{USERNAME_MIN_LENGTH}-{USERNAME_MAX_LENGTH} characters: letters, digits, _ - . "
            "Unique regardless of letter case."
        ),
        error_messages={"unique": "A user with that username already exists."},
    )
    email = models.EmailField(max_length=254)
    email_verified = models.BooleanField(
        default=False,
        help_text="Whether the owner of the address has followed the link of a verification e-mail.",
    )
    bio = models.TextField(max_length=500, blank=True, default="")
    location = models.CharField(max_length=100, blank=True, default="")
    twitter = models.CharField(max_length=15, blank=True, default="")
    avatar = models.CharField(
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text="The random name of the profile picture's files (users/avatars.py); empty: none.",
    )
    use_gravatar = models.BooleanField(
        default=False,
        help_text="Without a picture of their own, show the Gravatar of their e-mail address (their choice).",
    )
    following = models.ManyToManyField(
        "self",
        through="Follow",
        through_fields=("follower", "followed"),
        symmetrical=False,
        related_name="followers",
        blank=True,
    )

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("username"),
                name="users_user_username_ci_unique",
                violation_error_message="A user with that username already exists.",
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="users_user_email_ci_unique",
                violation_error_message="A user with that email already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.username


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followed = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followed"], name="users_follow_unique"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")),
                name="users_follow_not_self",
                violation_error_message="You cannot follow yourself.",
            ),
        ]
        indexes = [models.Index(fields=["followed", "-created_at"], name="users_follow_followed_idx")]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followed_id}"


class Activity(models.Model):
    """
    An event of a user's public activity, for their activity page and their followers' feeds:
    a game put on a shelf, a rating, a journal entry, a follow. Undoing the act (taking the game
    off the shelf, unfollowing, deleting the entry) removes its event.
    """

    class Verb(models.TextChoices):
        SHELVED = "shelved", "put a game on a shelf"
        RATED = "rated", "rated a game"
        LOGGED = "logged", "wrote a journal entry"
        FOLLOWED = "followed", "followed a user"

    actor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="activities")
    verb = models.CharField(max_length=16, choices=Verb.choices)
    game = models.ForeignKey("games.Game", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    journal_entry = models.ForeignKey(
        "games.JournalEntry", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    shelf = models.CharField(max_length=16, blank=True, default="")
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "activities"
        # Pages are read newest first by id, per actor (a profile) or for a set of actors (a feed).
        indexes = [models.Index(fields=["actor", "-id"], name="users_activity_actor_idx")]

    def __str__(self) -> str:
        return f"{self.actor_id} {self.verb} #{self.pk}"
