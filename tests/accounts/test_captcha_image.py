"""The captcha image shows every character whole: the glyphs stay inside the image.

Drawn without noise, in one colour on white, the text's bounding box must keep a margin from
every edge; a glyph cut off by the image touches the edge it is cut at. The package's default
glyph sizes (42–56 px) in the page's 120 × 44 image fail this on every draw."""
from io import BytesIO

import pytest
from captcha.image import ImageCaptcha
from PIL import Image

from app.captcha import HEIGHT, WIDTH, FittingCaptcha

INK = (120, 40, 160, 255)  # the package masks by lightness: pure black would not show
WHITE = (255, 255, 255)
DRAWS = 60


def _text_box(image):
    """The box of the drawn text (pixels clearly darker than the white background)."""
    return image.convert("L").point(lambda v: 255 if v < 230 else 0).getbbox()


def _inside(image) -> bool:
    box = _text_box(image)
    return box is not None and box[0] > 0 and box[1] > 0 and box[2] < image.size[0] \
        and box[3] < image.size[1]


@pytest.mark.parametrize("text", ["WWWW", "MQ8G", "AB3X", "HNKM"])
def test_every_character_stays_inside_the_image(text):
    captcha = FittingCaptcha()
    for _ in range(DRAWS):
        image = captcha.create_captcha_image(text, INK, WHITE)
        assert image.size == (WIDTH, HEIGHT)
        assert _inside(image), (text, _text_box(image))


def test_the_package_defaults_cut_characters_off():
    """What the fix is for: the same check fails the package's defaults at this size."""
    default = ImageCaptcha(width=WIDTH, height=HEIGHT)
    cut = sum(not _inside(default.create_captcha_image("AB3X", INK, WHITE))
              for _ in range(20))
    assert cut >= 15


def test_the_served_image_has_the_page_size(client):
    response = client.get("/captcha/image.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert Image.open(BytesIO(response.data)).size == (WIDTH, HEIGHT)
