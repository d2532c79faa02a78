"""A password validator measuring how easy a password is to guess (zxcvbn), beyond Django's
list of common passwords: `passwordpassword` or `Summer2024!` pass that list but not this."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from zxcvbn import zxcvbn

# zxcvbn's own feedback is English only; these are its messages in the project's catalogue.
FEEDBACK = {
    "Use a few words, avoid common phrases.": gettext_lazy(
        "Use a few words, avoid common phrases."
    ),
    "No need for symbols, digits, or uppercase letters.": gettext_lazy(
        "No need for symbols, digits, or uppercase letters."
    ),
    "Add another word or two. Uncommon words are better.": gettext_lazy(
        "Add another word or two. Uncommon words are better."
    ),
    "Straight rows of keys are easy to guess.": gettext_lazy(
        "Straight rows of keys are easy to guess."
    ),
    "Short keyboard patterns are easy to guess.": gettext_lazy(
        "Short keyboard patterns are easy to guess."
    ),
    "Use a longer keyboard pattern with more turns.": gettext_lazy(
        "Use a longer keyboard pattern with more turns."
    ),
    'Repeats like "aaa" are easy to guess.': gettext_lazy('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".': gettext_lazy(
        'Repeats like "abcabcabc" are only slightly harder to guess than "abc".'
    ),
    "Avoid repeated words and characters.": gettext_lazy("Avoid repeated words and characters."),
    'Sequences like "abc" or "6543" are easy to guess.': gettext_lazy(
        'Sequences like "abc" or "6543" are easy to guess.'
    ),
    "Avoid sequences.": gettext_lazy("Avoid sequences."),
    "Recent years are easy to guess.": gettext_lazy("Recent years are easy to guess."),
    "Avoid recent years.": gettext_lazy("Avoid recent years."),
    "Avoid years that are associated with you.": gettext_lazy(
        "Avoid years that are associated with you."
    ),
    "Dates are often easy to guess.": gettext_lazy("Dates are often easy to guess."),
    "Avoid dates and years that are associated with you.": gettext_lazy(
        "Avoid dates and years that are associated with you."
    ),
    "This is a top-10 common password.": gettext_lazy("This is a top-10 common password."),
    "This is a top-100 common password.": gettext_lazy("This is a top-100 common password."),
    "This is a very common password.": gettext_lazy("This is a very common password."),
    "This is similar to a commonly used password.": gettext_lazy(
        "This is similar to a commonly used password."
    ),
    "A word by itself is easy to guess.": gettext_lazy("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.": gettext_lazy(
        "Names and surnames by themselves are easy to guess."
    ),
    "Common names and surnames are easy to guess.": gettext_lazy(
        "Common names and surnames are easy to guess."
    ),
    "Capitalization doesn't help very much.": gettext_lazy(
        "Capitalization doesn't help very much."
    ),
    "All-uppercase is almost as easy to guess as all-lowercase.": gettext_lazy(
        "All-uppercase is almost as easy to guess as all-lowercase."
    ),
    "Reversed words aren't much harder to guess.": gettext_lazy(
        "Reversed words aren't much harder to guess."
    ),
    "Predictable substitutions like '@' instead of 'a' don't help very much.": gettext_lazy(
        "Predictable substitutions like '@' instead of 'a' don't help very much."
    ),
}
# zxcvbn refuses longer input (its matching grows fast with length); the first 72
# characters of a longer password decide.
# Django 5.2 reworded its length rule and its own Chinese catalogue has only the old
# wording: listed here so that the project's catalogue translates it.
DJANGO_LENGTH_RULE = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    12,
)

ZXCVBN_MAX_LENGTH = 72


class GuessabilityValidator:
    """Refuses passwords whose zxcvbn score (0-4) is below `min_score`. Score 3 means
    about 10^8 guesses or more ("safely unguessable" for an online attack with throttling);
    the user's own names, e-mail and organisation count as known words."""

    def __init__(self, min_score: int = 3):
        self.min_score = min_score

    def validate(self, password, user=None):
        if not password:
            raise ValidationError(_("Choose a password."), code="password_empty")
        result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=_user_words(user))
        if result["score"] >= self.min_score:
            return
        messages = [_("This password is too easy to guess.")]
        feedback = result.get("feedback") or {}
        for text in [feedback.get("warning") or "", *feedback.get("suggestions", [])]:
            if text in FEEDBACK:
                messages.append(str(FEEDBACK[text]))
        raise ValidationError(" ".join(messages), code="password_too_guessable")

    def get_help_text(self):
        return _(
            "Your password must not be easy to guess: a few uncommon words, not names, dates, "
            "keyboard rows or repeats."
        )


def _user_words(user) -> list[str]:
    if user is None:
        return []
    words = [
        getattr(user, "username", ""),
        getattr(user, "first_name", ""),
        getattr(user, "last_name", ""),
        (getattr(user, "email", "") or "").split("@")[0],
    ]
    has_organisation = getattr(user, "organisation_id", None) is not None
    organisation = user.organisation if has_organisation else None
    if organisation is not None:
        words.append(organisation.name)
    return [word for word in words if word]
