"""``coach profile [--height METRES] [--name NAME]``: who is exercising.

The height is kept in the session database and used wherever coach turns a
fraction of body height into centimetres (the lift's NIOSH H and V);
without it coach assumes 1.70 m and every summary that used it says so.
With no option, the profile is printed."""

from __future__ import annotations

import argparse
import math
import sqlite3

from coach.commands._store_args import add_db_arg, db_path, warn
from coach.errors import StoreError, UsageError
from coach.store.baselines import current_baselines
from coach.store.db import open_store
from coach.store.profile import DEFAULT_STATURE_M, check_height, read_profile, write_profile


def _height(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a height in metres: {text!r} (e.g. 1.82)") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a height in metres: {text!r} (e.g. 1.82)")
    return value


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("profile", help="your height (and name), used for distances in cm",
                       description="Show or set your profile. The height converts distances measured as a "
                                   f"fraction of body height into cm (lift: NIOSH H and V); without it "
                                   f"{DEFAULT_STATURE_M:.2f} m is assumed and the summary says so.")
    p.add_argument("--height", type=_height, default=None, metavar="METRES", help="your height in metres, e.g. 1.82")
    p.add_argument("--name", default=None, metavar="NAME", help="your name (shown in the report)")
    add_db_arg(p)
    p.set_defaults(func=cmd_profile)


def cmd_profile(args: argparse.Namespace) -> int:
    if args.height is not None:
        try:
            check_height(args.height)
        except ValueError as exc:
            raise UsageError(f"--height: {exc}") from None
    if args.name is not None and not args.name.strip():
        raise UsageError("--name must not be empty")
    path = db_path(args)
    changing = args.height is not None or args.name is not None
    if not changing and not path.exists():
        print(f"no profile yet: {DEFAULT_STATURE_M:.2f} m is assumed (set yours with coach profile --height)")
        return 0
    store = open_store(path, notify=warn)
    try:
        if changing:
            profile = write_profile(store, name=args.name.strip() if args.name else None, height_m=args.height)
        else:
            profile = read_profile(store)
        calibrated = sorted(current_baselines(store).values(), key=lambda b: b.exercise)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot use the database {path} ({exc})") from None
    finally:
        store.close()
    height = (f"{profile.height_m:.2f} m" if profile.height_m is not None
              else f"not set ({DEFAULT_STATURE_M:.2f} m is assumed)")
    print(f"name: {profile.name or '-'}")
    print(f"height: {height}")
    done = ", ".join(f"{b.exercise} ({b.recorded_at[:10]})" for b in calibrated)
    print(f"calibrated: {done or 'nothing yet (coach calibrate --exercise NAME)'}")
    return 0
