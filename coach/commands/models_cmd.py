"""``coach models fetch|list|path|verify``: manage the pose model files."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from coach.models import add_models_parser

    add_models_parser(sub)
