"""coach: a webcam exercise and posture coach for back care."""

__version__ = "0.1.0"
