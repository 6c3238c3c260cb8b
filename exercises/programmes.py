"""Named programmes (``coach live --programme NAME``). They name exercises,
so they live here with them; :mod:`coach.programme` runs them.

``back-basics``: a home routine for low back care, with starting doses from
the literature (the README's "Programmes" section gives the sources):

* plank: 3 holds of 20 s, 60 s rest (McGill, *Low Back Disorders*, 2016:
  short, repeated endurance holds; the target then progresses by the rule
  in :mod:`coach.progression`, capped at 60 s);
* hip bridge: 3 sets of 10 reps, 60 s rest (ACSM position stand,
  *Progression models in resistance training*, 2009: 1-3 sets of 10-15
  reps, short rest, for muscular endurance);
* knee to chest: 3 holds of 20 s per side, 30 s rest (ACSM *Guidelines for
  Exercise Testing and Prescription*: static stretches of 10-30 s, 2-4
  repetitions).
"""

from __future__ import annotations

from coach.programme import Programme, ProgrammeStep, register_programme

BACK_BASICS = register_programme(Programme(
    name="back-basics",
    description="plank, hip bridge and knee to chest: 3 sets each, for low back care",
    steps=(
        ProgrammeStep("plank", sets=3, rest_s=60.0, target=20.0, why="McGill 2016: short repeated holds"),
        ProgrammeStep("hip_bridge", sets=3, rest_s=60.0, target=10.0, why="ACSM 2009: 1-3 x 10-15 reps"),
        ProgrammeStep("knee_to_chest", sets=3, rest_s=30.0, target=20.0, why="ACSM: 10-30 s holds, 2-4 times"),
    ),
    rest_between_exercises_s=60.0,
))
