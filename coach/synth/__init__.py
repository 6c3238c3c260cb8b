"""Synthetic pose data: a kinematic body model, a webcam, MediaPipe-like
noise and a library of exercise scenarios with ground truth.

Pure numpy (no mediapipe, no OpenCV). Used by ``coach demo`` and by the
analyzer tests.

* :mod:`coach.synth.body` - :class:`BodyDims`, :class:`Posture`, forward
  kinematics with floor contacts;
* :mod:`coach.synth.camera` - :class:`Camera`, :class:`View`, projection to
  :class:`coach.pose.PoseFrame`;
* :mod:`coach.synth.noise` - :class:`NoiseConfig`, :func:`apply_noise`;
* :mod:`coach.synth.scenarios` - the generators and :class:`Scenario`.
"""

from __future__ import annotations

from coach.synth.body import BodyDims, Posture, PostureSeq, bilateral, forward_kinematics, forward_kinematics_seq
from coach.synth.camera import Camera, View, frame_camera, project, project_track, to_frames
from coach.synth.noise import NoiseConfig, apply_noise
from coach.synth.scenarios import (
    LiftTruth,
    Scenario,
    Span,
    Truth,
    bridge_reps,
    demo_track,
    knee_to_chest,
    lift_sequence,
    no_person,
    partial_body,
    plank_hold,
    standing_still,
    walking,
)

__all__ = [
    "BodyDims",
    "Camera",
    "LiftTruth",
    "NoiseConfig",
    "Posture",
    "PostureSeq",
    "Scenario",
    "Span",
    "Truth",
    "View",
    "apply_noise",
    "bilateral",
    "bridge_reps",
    "demo_track",
    "forward_kinematics",
    "forward_kinematics_seq",
    "frame_camera",
    "knee_to_chest",
    "lift_sequence",
    "no_person",
    "partial_body",
    "plank_hold",
    "project",
    "project_track",
    "standing_still",
    "to_frames",
    "walking",
]
