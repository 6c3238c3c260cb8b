"""The pose model of ``coach live``: the one asked for, and the automatic
fall-back to lite when the default full model cannot keep up with the
camera (:mod:`coach.live.fallback`; docs/models.md, "Live fall-back to
lite")."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path

from coach.commands._common import info, model_for
from coach.live.fallback import Backend, ModelFallback, SwitchableDetector

LIGHTER = "lite"


def fallback_allowed(args: argparse.Namespace, lossless: bool) -> bool:
    """Only for the default model, in real time: never when the user chose
    the model (``--model`` or ``--model-variant``, ``full`` included), and
    never for a video analysed frame by frame (nothing to keep up with)."""
    return not lossless and getattr(args, "model", None) is None and getattr(args, "model_variant", None) is None


def live_pose(args: argparse.Namespace, stack: ExitStack, *, lossless: bool, quiet: bool = False,
              source: object = None) -> tuple[SwitchableDetector, ModelFallback | None]:
    """The live detector (closed by ``stack``) and its fall-back, if allowed.
    For a pose-track ``source`` (:class:`~coach.live.track.PoseTrackSource`)
    the detector replays the track: no model, no fall-back."""
    from coach.live.track import PoseTrackDetector, PoseTrackSource

    if isinstance(source, PoseTrackSource):
        return SwitchableDetector(PoseTrackDetector(source), None), None
    from coach.models import ensure_model
    from coach.pose_backend import MediaPipePose, PoseBackendOptions

    path = Path(model_for(args) or ensure_model())
    detector = SwitchableDetector(MediaPipePose(PoseBackendOptions(model_path=path)), path.name)
    stack.callback(detector.close)
    if not fallback_allowed(args, lossless):
        return detector, None

    def load() -> tuple[Backend, str]:
        lite = ensure_model(f"pose_landmarker_{LIGHTER}", allow_fetch=False)  # never a download mid-set
        return MediaPipePose(PoseBackendOptions(model_path=lite)), lite.name

    return detector, ModelFallback(detector, load, lighter=LIGHTER, say=lambda text: info(text, quiet))


def model_stats(detector: SwitchableDetector, fallback: ModelFallback | None) -> dict[str, object]:
    """The ``live`` keys of the summary JSON about the pose model."""
    return {
        "models": list(detector.models),
        "model_switch_at_s": None if fallback is None or fallback.switched_at is None
        else round(fallback.switched_at, 3),
    }
