"""A disguised upload reaching the media service over HTTP gets a clear 400, never a 500."""
import pytest
from flask import request

from tests import factories as f
from tests.conftest import make_app
from vgk.services.selling import media


@pytest.fixture
def upload_app(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'up.sqlite3'}", str(tmp_path / "media"), WTF_CSRF_ENABLED=False)

    @app.post("/_probe/upload")
    def probe_upload():  # the same path a listing photo takes: bytes from a multipart form
        processed = media.process_image(request.files["photo"].read())
        return {"success": True, "width": processed.width}

    return app


@pytest.mark.parametrize("accept, kind", [("text/html", "html"), ("application/json", "json")])
def test_php_file_named_jpg_is_refused_with_a_clear_message(upload_app, accept, kind):
    import io

    client = upload_app.test_client()
    response = client.post(
        "/_probe/upload",
        data={"photo": (io.BytesIO(b"<?php echo shell_exec($_GET['c']); ?>"), "photo.jpg", "image/jpeg")},
        headers={"Accept": accept},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    if kind == "json":
        assert response.json["success"] is False
        assert response.json["error"]["fields"] == {"image": "invalid"}
    else:
        assert "pas une image valide" in response.get_data(as_text=True)


def test_a_real_photo_passes_the_same_path(upload_app):
    import io

    client = upload_app.test_client()
    response = client.post(
        "/_probe/upload",
        data={"photo": (io.BytesIO(f.jpeg_bytes()), "photo.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.json["width"] == 640


def test_oversized_request_body_is_refused_with_413(upload_app):
    import io

    upload_app.config["MAX_CONTENT_LENGTH"] = 1024
    client = upload_app.test_client()
    response = client.post(
        "/_probe/upload",
        data={"photo": (io.BytesIO(b"x" * 5000), "big.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
