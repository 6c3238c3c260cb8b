"""Recognising the exercise from the pose: posture features
(:mod:`~coach.recognition.features`), the rule-based recognizer and its
set spans (:mod:`~coach.recognition.recognizer`), the mismatch warning
(:mod:`~coach.recognition.mismatch`) and splitting a recording into sets
(:mod:`~coach.recognition.routine`)."""
