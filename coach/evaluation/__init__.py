"""``coach eval``: how well the analyzers agree with labelled recordings.

The real-data corpus (``tests/data/real/``) and the synthetic suite
(:mod:`coach.synth.suite`) run through the same pipeline as ``coach
analyze``; the results are confusion tables of form classes, per-class
precision / recall / F1, count errors and hold-time errors, per exercise.

Modules, one job each:

* :mod:`~coach.evaluation.classes` - form classes, the predicted class of a
  verdict, which labels are scored;
* :mod:`~coach.evaluation.corpus` - loading and validating the corpus;
* :mod:`~coach.evaluation.metrics` - pure metric functions (confusion,
  precision / recall / F1, count and hold errors, the collar);
* :mod:`~coach.evaluation.runner` - running the pipeline over corpus entries
  (static poses, tracks, recordings without an exercise);
* :mod:`~coach.evaluation.synthetic` - the synthetic suite through the same
  runner;
* :mod:`~coach.evaluation.results` - per-entry results and their summaries;
* :mod:`~coach.evaluation.evaluate` - one whole run, with a progress bar;
* :mod:`~coach.evaluation.formatting` - text and Markdown tables;
* :mod:`~coach.evaluation.floors` - accuracy floors kept in a JSON file;
* :mod:`~coach.evaluation.method` - the rules in words, for ACCURACY.md.
* :mod:`~coach.evaluation.variants` - the pose model variants (lite, full)
  against heavy on the corpus's committed variant tracks;
* :mod:`~coach.evaluation.variants_md` - their tables and conclusion
  (ACCURACY.md, "Model variants").

The matching rules are in the docstrings of ``runner`` (real corpus) and
``synthetic`` (synthetic suite), and in ACCURACY.md.
"""
