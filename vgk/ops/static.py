"""The static files as nginx serves them: each file of static/ copied under its hashed name (the one
`url_for('static', ...)` gives, vgk.web.assets) and under its plain name, with the gzip variant beside the
text files (`app.<hash>.css.gz`, for nginx's gzip_static). A hashed URL nginx does not find (a page kept
from before a deployment) falls through to the app, which answers with the current file, not kept.

    python -m vgk.ops.static DIR      # writes DIR/static/...; nginx: location /static/ { root DIR; }
"""
import os
import shutil
import sys
from pathlib import Path

from vgk.web.assets import Assets

STATIC = Path(__file__).resolve().parents[2] / "static"


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def collect(target: str | os.PathLike[str], source: Path = STATIC) -> list[str]:
    """Fill `target`/static with the files of `source` (replacing what was there); returns the hashed names."""
    out = Path(target) / "static"
    shutil.rmtree(out, ignore_errors=True)
    assets = Assets(str(source))
    names = []
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        asset = assets.get(path.relative_to(source).as_posix())
        if asset is None:
            continue
        for name in dict.fromkeys((asset.hashed_name(), asset.name)):
            _write(out / name, asset.body)
            if "gzip" in asset.variants:
                _write(out / f"{name}.gz", asset.variants["gzip"])
        names.append(asset.hashed_name())
    return names


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m vgk.ops.static DIR")
    print(f"{len(collect(sys.argv[1]))} static files written to {sys.argv[1]}/static")
