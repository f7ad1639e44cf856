"""Image captcha for login, registration and activation (A5), drawn by the ``captcha`` package.

The answer lives in the signed session as a hash and is removed by the first check, so an image
answers once. CAPTCHA_ENABLED=0 switches checking off (tests and automated checks only; config
refuses it in production)."""
import hashlib
import secrets
import string

from captcha.image import ImageCaptcha, random_color
from flask import current_app, session

SESSION_KEY = "captcha_hash"
# No 0/O, 1/I/L, 8/B, 5/S, 2/Z: people read these from a distorted image.
ALPHABET = "".join(c for c in string.ascii_uppercase + string.digits
                   if c not in "0O1IL8B5S2Z")
LENGTH = 4
WIDTH, HEIGHT = 120, 44  # the pages show the image at this size


class FittingCaptcha(ImageCaptcha):
    """The package's drawing, sized to the image. Its defaults draw 42–56 px glyphs (for a
    60 px image) and put a blank before half the characters: in a 44 px image the tops and
    bottoms were cut off, and a text wider than the image ran off its right edge. Glyphs of
    28–32 px without blanks stay inside, rotated and warped as before."""

    word_space_probability = 0  # no blanks: the random overlap still varies the spacing

    def __init__(self):
        super().__init__(width=WIDTH, height=HEIGHT, font_sizes=(28, 30, 32))

    def generate_image(self, chars, bg_color=None, fg_color=None):
        """Ink of middling lightness: the package pastes a glyph through a mask of its own
        lightness (×1.97), so dark ink came out faint and light ink vanished on the light
        background; around 100–130 it is opaque and stands out."""
        return super().generate_image(chars, bg_color, fg_color or random_color(60, 140, 255))


def enabled() -> bool:
    return bool(current_app.config.get("CAPTCHA_ENABLED", True))


def new_text() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_image() -> bytes:
    """A fresh challenge: remembers its answer and returns the PNG to show."""
    text = new_text()
    session[SESSION_KEY] = _hash(text)
    return FittingCaptcha().generate(text, format="png").getvalue()


def check(answer: str | None) -> bool:
    if not enabled():
        return True
    expected = session.pop(SESSION_KEY, None)
    return bool(expected and answer and secrets.compare_digest(expected, _hash(answer)))


def _hash(text: str) -> str:
    salt = current_app.config["SECRET_KEY"]
    return hashlib.sha256(f"{salt}:{text.strip().upper()}".encode()).hexdigest()
