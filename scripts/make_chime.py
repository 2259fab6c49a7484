"""Write shared/assets/sounds/chime.wav: the three-tone chime played before each call (always
the same file).

Three bell-like notes of a C major chord going down (G5, E5, C5), each with a soft attack, a
quick decay and a faint octave overtone; 16-bit mono at 22050 Hz, 0.7 s, peak at -3 dBFS. Short on
purpose: the sentence follows it, and a citizen should hear their number within a second.

Usage: python scripts/make_chime.py [--out PATH]
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22_050
NOTES = ((0.00, 783.99), (0.15, 659.26), (0.30, 523.25))  # start (s), frequency (Hz)
LENGTH_S = 0.70
ATTACK_S = 0.015  # raised-cosine: no click at the start of a note
DECAY_S = 0.16  # time constant of each note's exponential decay
FADE_S = 0.06  # the last stretch fades to exact silence
PEAK = 0.708  # -3 dBFS
DEFAULT_OUT = Path(__file__).resolve().parent.parent / "shared" / "assets" / "sounds" / "chime.wav"


def chime_samples() -> list[float]:
    """The chime as floats in -1..1."""
    count = round(LENGTH_S * RATE)
    samples = [0.0] * count
    for start, frequency in NOTES:
        first = round(start * RATE)
        for i in range(count - first):
            t = i / RATE
            attack = math.sin(0.5 * math.pi * t / ATTACK_S) ** 2 if t < ATTACK_S else 1.0
            envelope = attack * math.exp(-t / DECAY_S)
            tone = math.sin(2 * math.pi * frequency * t)
            tone += 0.25 * math.sin(2 * math.pi * 2 * frequency * t) * math.exp(-t / 0.1)
            samples[first + i] += envelope * tone
    fade = round(FADE_S * RATE)
    for i in range(fade):
        samples[count - fade + i] *= 1 - (i + 1) / fade
    loudest = max(abs(s) for s in samples)
    return [s * PEAK / loudest for s in samples]


def write_chime(out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    frames = b"".join(struct.pack("<h", round(s * 32767)) for s in chime_samples())
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(frames)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the WAV file to write")
    args = parser.parse_args(argv)
    write_chime(args.out)
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
