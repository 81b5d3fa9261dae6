"""File storage for media. The local default writes below MEDIA_ROOT and is served at MEDIA_URL."""
import os
from pathlib import Path


class LocalStorage:
    name = "local"

    def __init__(self, root, base_url="/media/"):
        self.root = Path(root)
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def _path(self, key):
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError("storage key escapes the media root")
        return path

    def save(self, key, data, content_type="application/octet-stream"):
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return key

    def read(self, key):
        return self._path(key).read_bytes()

    def delete(self, key):
        try:
            self._path(key).unlink()
        except FileNotFoundError:
            pass

    def url(self, key):
        return self.base_url + key


def storage_from_config(config):
    return LocalStorage(config["MEDIA_ROOT"], config["MEDIA_URL"])
