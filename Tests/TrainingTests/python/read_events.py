"""Reads a TensorBoard event file with TensorBoard's own reader and prints its scalars as JSON.

Usage: read_events.py EVENT_DIRECTORY
Prints {"tag": [[step, value], ...], ...}; exits non-zero when the reader fails.
"""
import json
import sys

from tensorboard.backend.event_processing import event_accumulator


def main() -> None:
    accumulator = event_accumulator.EventAccumulator(sys.argv[1], size_guidance={event_accumulator.SCALARS: 0})
    accumulator.Reload()
    scalars = {tag: [[e.step, e.value] for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]}
    print(json.dumps(scalars, sort_keys=True))


if __name__ == "__main__":
    main()
