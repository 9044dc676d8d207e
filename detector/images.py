"""Reading input images safely: size checked from the header before decoding, truncation is an error."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image

from detector.engine import MAX_PIXELS
from detector.errors import ImageError


def load_rgb(path: Path | str, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """An RGB uint8 array for ``path``.

    Raises ImageError for a missing, truncated, zero-sized, huge or non-image file."""
    p = Path(path)
    if not p.is_file():
        raise ImageError("file not found" if not p.exists() else "not a regular file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as im:
                w, h = im.size
                if w == 0 or h == 0:
                    raise ImageError("image has zero size")
                if w * h > max_pixels:
                    raise ImageError(
                        f"image too large: {w}x{h} ({w * h / 1e6:.0f} Mpx), over the {max_pixels / 1e6:.0f} Mpx limit"
                    )
                im.load()
                rgb = im.convert("RGB")
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise ImageError(f"image too large (over the {max_pixels / 1e6:.0f} Mpx limit): {e}") from e
    except (OSError, ValueError, SyntaxError) as e:  # PIL raises these for unknown, corrupt or truncated files
        raise ImageError(f"cannot decode image: {e}") from e
    return np.asarray(rgb)
