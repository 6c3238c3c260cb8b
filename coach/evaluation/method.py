"""How ``coach eval`` measures, in words for ``ACCURACY.md`` (the module
docstrings of :mod:`coach.evaluation` say the same, next to the code)."""

from __future__ import annotations

from coach.synth.suite import SUITE_MD

_METHOD = """
## How it is measured

Everything runs through the same pipeline as `coach analyze TRACK.csv --exercise NAME`
(the CSV read as `analyze` reads it, One Euro smoothing, the analyzer with its default
options, the feedback policy).

**Classes.** A frame's *form class* is `correct` or one of the exercise's fault codes
(taken from the exercise, in its priority order). The *predicted* class is the first
fault the analyzer reports on that frame other than `not_visible`; else `not_visible`
when the frame was not judged (not visible, or `not_visible` reported); else `correct`.
`not_visible` is never a truth class: it has its own column, and counts as a miss.
Frames labelled `rest`, `transition`, `none`, `unlabelled` and other non-form labels
are not scored.

**Real corpus** (`tests/data/real/`, one `<id>.csv` pose track and `<id>.json` with
provenance, licence and labels per entry):

- *Static entries* (each CSV row an independent pose, e.g. a photo): each row is replayed
  as a still track (the same pose for 3 s at 30 fps, the pipeline reset between rows) and
  judged on the verdict of the last frame, after smoothing and debouncing settle.
- *Track entries*: the track runs once; each frame in a segment with a form class is
  scored against that frame's verdict. Frames within the **collar** (0.5 s) of a change
  between two form classes are not scored: the analyzers' debouncers need 0.25-0.4 s to
  report or clear a fault, and a labeller cannot place the change to the frame either.
- *Counts*: the summary's count against `labels.counts` (where given) or the number of
  labelled reps + holds + lifts. When all items are labelled, the good (clean) items are
  compared with the labelled items that no fault segment overlaps.
- *Hold time*: when holds are labelled, the summary's good-form hold time against the time
  of the labelled holds inside `correct` segments (the whole holds if the entry has no
  segments).
- *Entries without an exercise* (`exercise: none`): every analyzer runs on the track; any
  rep, hold or lift counted is a false count.

{suite}

**Metrics.** Confusion tables have the truth in rows and the prediction in columns.
Precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN)
("-" when undefined: nothing predicted, nothing true, or neither); accuracy = scored frames
predicted right / scored frames; macro-F1 = mean F1 over the classes present in the truth.
Count error = predicted - expected; relative error = |error| / expected.
"""

METHOD_MD = _METHOD.format(suite=SUITE_MD.strip())
