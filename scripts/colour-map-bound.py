#!/usr/bin/env python3
"""How far colour alone takes a translation (prints, asserts nothing).

For SOURCE → TARGET (default paint → photo) on the held-out 256-px frames of a dataset that
`ufdn data build` wrote, it prints the mean PSNR per frame group, as `ufdn eval` averages it,
of three outputs:
- the source itself (eval's input-as-output baseline);
- one fixed per-pixel colour map: each output channel a least-squares quadratic of the
  source's R, G and B (7 coefficients: the three channels, their squares and a constant),
  fitted on every tenth training crop;
- the same form fitted to each frame against its own target: an oracle that reads the answer.

What neither map reaches is structure (for paint: the grain inside the strokes) that a
translator must draw rather than recolour. Needs numpy and ffmpeg (scripts/setup.sh installs
both). Usage: scripts/colour-map-bound.py [DATA] [SOURCE] [TARGET]
"""
import re
import subprocess
import sys
from pathlib import Path

import numpy as np


def read_rgb(path):
    """An image as float [pixels, 3] in 0..255, decoded by ffmpeg into a binary PPM."""
    ppm = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "image2pipe", "-c:v", "ppm", "-"],
                         check=True, capture_output=True).stdout
    # Header: "P6", width, height and the maximum value, each followed by one whitespace byte.
    header = re.match(rb"P6\s(\d+)\s(\d+)\s255\s", ppm)
    if header is None:
        sys.exit(f"{path}: ffmpeg wrote no 8-bit binary PPM")
    width, height = int(header[1]), int(header[2])
    return np.frombuffer(ppm, np.uint8, width * height * 3, header.end()).reshape(-1, 3).astype(np.float64)


def features(rgb):
    """[pixels, 3] → [pixels, 7]: R, G, B, 1 and the squares / 255."""
    return np.concatenate([rgb, np.ones((len(rgb), 1)), rgb * rgb / 255], 1)


def psnr(output, truth):
    """PSNR in dB of `output`, clipped to 0..255, against `truth`."""
    return 10 * np.log10(255 ** 2 / np.mean((np.clip(output, 0, 255) - truth) ** 2))


def fit(source, target):
    """Least-squares coefficients [7, 3] of the map from `source` to `target` colours."""
    return np.linalg.lstsq(features(source), target, rcond=None)[0]


def main():
    args = sys.argv[1:] + ["data", "paint", "photo"][len(sys.argv) - 1:]
    data, source, target = Path(args[0]), args[1], args[2]
    crops = sorted((data / "train" / source).glob("*.png"))[::10]
    if not crops or not (data / "frames").is_dir():
        sys.exit(f"no {source} crops or frames under {data}: build the dataset first "
                 f"(ufdn data build --out {data})")
    fixed = fit(np.concatenate([read_rgb(p) for p in crops]),
                np.concatenate([read_rgb(data / "train" / target / p.name) for p in crops]))
    print(f"{source} → {target}, fixed map fitted on {len(crops)} training crops")
    for group in ("people", "scenes"):
        frames = sorted((data / "frames" / group / source).glob("*.png"))
        scores = []
        for path in frames:
            x, y = read_rgb(path), read_rgb(data / "frames" / group / target / path.name)
            scores.append((psnr(x, y), psnr(features(x) @ fixed, y), psnr(features(x) @ fit(x, y), y)))
        base, mapped, oracle = np.mean(scores, 0)
        print(f"{group} ({len(frames)} frames): baseline {base:.2f} dB, fixed map {mapped:.2f} dB "
              f"({mapped - base:+.2f}), per-frame oracle map {oracle:.2f} dB ({oracle - base:+.2f})")


if __name__ == "__main__":
    main()
