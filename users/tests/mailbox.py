"""Reading the links out of the messages the users app sends."""

import re

# The tests' FRONTEND_URL (users/tests/conftest.py); the paths are the FRONTEND_*_PATH defaults.
FRONTEND_URL = "https://play.overworld.test"
RESET_LINK = re.compile(
    rf"{re.escape(FRONTEND_URL)}/reset-password/(?P<uid>[^/\s\"<]+)/(?P<token>[^/\s\"<]+)"
)
VERIFICATION_LINK = re.compile(rf"{re.escape(FRONTEND_URL)}/verify-email/(?P<key>[^/\s\"<]+)")


def link_in(message, pattern: re.Pattern) -> re.Match:
    """The link of `message`'s plain-text part, checked to be in its HTML part too."""
    match = pattern.search(message.body)
    assert match, message.body
    html = next(content for content, mimetype in message.alternatives if mimetype == "text/html")
    assert match.group(0) in html
    return match


def reset_payload(message, new_password: str) -> dict:
    """The body of a reset confirmation from the link of `message`."""
    link = link_in(message, RESET_LINK)
    return {"uid": link["uid"], "token": link["token"], "new_password": new_password}


def verification_key(message) -> str:
    return link_in(message, VERIFICATION_LINK)["key"]
