"""closebot's error hierarchy. Lower-level errors are translated into these where they arise; only the CLI turns
them into a message and an exit status.

    ClosebotError
    ├── ConfigError        bad config file, key or value (exit status 2)
    ├── WeightsError       weights file missing, tampered, or for other classes
    ├── ImageError         an input image is missing, truncated, not an image or too large
    ├── DatasetError       a dataset folder or annotation is missing or malformed
    ├── TrainingError      training cannot go on (for example the loss stopped being finite)
    └── DeviceError        talking to a phone failed
        ├── AdbServerError     the adb server is not reachable or answered nonsense
        ├── DeviceUnavailable  the device is unknown, offline or unauthorized
        ├── DeviceTimeout      a device command did not finish in time
        ├── CaptureError       a screenshot arrived but is not a valid image
        └── CoordinateError    a tap would land off the screen (nothing is sent)
"""

from __future__ import annotations


class ClosebotError(Exception):
    """Base class of every error closebot raises on purpose."""

    exit_code = 1


class ConfigError(ClosebotError):
    """The configuration file, one of its keys, or a value is invalid."""

    exit_code = 2


class WeightsError(ClosebotError):
    """A weights file is missing, truncated, tampered with, or does not match the expected classes."""


class ImageError(ClosebotError):
    """An input image cannot be used."""


class DatasetError(ClosebotError):
    """A dataset folder or one of its files is missing or malformed."""


class TrainingError(ClosebotError):
    """Training cannot continue."""


class DeviceError(ClosebotError):
    """Talking to a device failed. ``serial`` names it."""

    def __init__(self, message: str, serial: str = "") -> None:
        super().__init__(f"{serial}: {message}" if serial else message)
        self.serial = serial


class AdbServerError(DeviceError):
    """The adb server cannot be reached, or it answered something that is not the smart-socket protocol."""


class DeviceUnavailable(DeviceError):
    """The device is not listed, offline, or unauthorized."""


class DeviceTimeout(DeviceError):
    """A device command did not finish within its timeout."""


class CaptureError(DeviceError):
    """Screenshot bytes arrived but do not form a valid image."""


class CoordinateError(DeviceError):
    """A tap would land outside the screen; no command was built."""
