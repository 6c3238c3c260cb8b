"""The report's "Against your calibration" section: for each calibrated
exercise (``coach calibrate``), its headline baseline measure per session
(each set's ``extra["form_measures"]``, the median over its working
frames) against the calibration in force at the time (the newest one
recorded before the session; the first one for sessions before any)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from coach.baseline import Baseline
from coach.registry import find_spec
from coach.report import html as h
from coach.report import plots
from coach.store.rows import SessionDetail

EXPLAIN = (
    "<code>coach calibrate</code> recorded your own best form; later sets are judged against it as well as "
    "against each exercise's own limits (a safety limit is never loosened). Each point is a session's median "
    "over the frames in the working position (the plank held, the top of a bridge, the knee held at the chest); "
    "the dashed steps are the calibration in force then."
)


def _in_force(baselines: Sequence[Baseline], started_iso: str) -> Baseline:
    earlier = [b for b in baselines if b.recorded_at <= started_iso]
    return earlier[-1] if earlier else baselines[0]


def section(sessions: Sequence[SessionDetail], baselines: Sequence[Baseline]) -> str:
    """HTML for every exercise with a calibration and measured sets
    (empty when there is none)."""
    parts: list[str] = []
    for exercise in dict.fromkeys(b.exercise for b in baselines):
        spec = find_spec(exercise)
        if spec is None or spec.baseline is None:
            continue
        own = [b for b in baselines if b.exercise == exercise]
        m = spec.baseline.measure(spec.baseline.headline)
        assert m is not None
        points: list[plots.BaselinePoint] = []
        rows: list[list[str]] = []
        for sd in sessions:
            vals = [float(v) for det in sd.sets if det.set.exercise == exercise
                    for v in [(det.set.extra.get("form_measures") or {}).get(m.key)]
                    if isinstance(v, (int, float)) and math.isfinite(v)]
            if not vals:
                continue
            value = sum(vals) / len(vals)
            base = _in_force(own, sd.session.started_at)
            ref = base.values.get(m.key, math.nan)
            points.append(plots.BaselinePoint(sd.session.id, sd.session.started_unix, value, ref))
            rows.append([str(sd.session.id), sd.session.started_at[:16].replace("T", " "),
                         f"{value:+.{m.digits}f}", f"{ref:+.{m.digits}f}", f"{value - ref:+.{m.digits}f}",
                         base.recorded_at[:10]])
        if not points:
            continue
        title = f"{exercise.replace('_', ' ')}: {m.label}"
        parts.append(h.figure(plots.baseline_progress(title, m.unit, spec.color, points), title,
                              f"{m.label} ({m.unit}) per session, against your calibration; "
                              f"{'higher' if m.better == 'higher' else 'closer to it'} is better."))
        parts.append(h.table(["Session", "Date", "Session value", "Calibration", "Change", "Calibrated"],
                             reversed(rows), numeric=(0, 2, 3, 4)))
    if not parts:
        return ""
    return "<h2>Against your calibration</h2>" + f'<p class="explain">{EXPLAIN}</p>' + "".join(parts)
