"""The original web client's `gravatar`: a user's picture as an image URL (users/legacy.py)."""


def gravatar(user) -> str | None:
    """
    The image URL the original web client shows for `user` (its `gravatar`, used verbatim as an
    image's source), on the profile and the current user: None until profile pictures exist (issue 19
    makes it the avatar's large URL). The client shows no picture for None.
    """
    return None
