"""closebot's eyes: a tiled SSD that finds ``close`` and ``skip`` buttons and Japanese text (``ja_char``)."""

from detector.types import CLASSES, Box, Detection

__all__ = ["CLASSES", "Box", "Detection"]
