"""nginx's configuration, from one template (deploy/nginx-site.template): the production file documented
in deploy/nginx-vgk.conf (TLS on 443, the web processes on 127.0.0.1:5001 and 5002) and the whole
nginx.conf `make up` runs on one machine (plain HTTP on a loopback port, everything nginx writes in the
run directory).

    python -m vgk.ops.nginx > deploy/nginx-vgk.conf     # after changing the template
"""
import getpass
import os
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
TEMPLATE = DEPLOY / "nginx-site.template"

PRODUCTION_HEADER = """\
# Generated from deploy/nginx-site.template (python -m vgk.ops.nginx > deploy/nginx-vgk.conf): goes in the
# http {} block of nginx (Debian's package). The site's processes: each web process is
# `gunicorn -c python:vgk.gunicorn_conf --workers 1 --bind 127.0.0.1:500N wsgi:app` with WEB_CONCURRENCY=1
# (one worker, its threads), as many as the machine has cores (at least two), all with REDIS_URL and
# TRUSTED_PROXIES=1 in their environment. Static files: `python -m vgk.ops.static /srv/vgk/build` at each
# release. Certificates: any ACME client (certbot, Debian's package).

server {
    listen 80;
    listen [::]:80;
    server_name vgk.cm;
    return 301 https://$host$request_uri;
}

"""
PRODUCTION_LISTEN = """\
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name vgk.cm;
    ssl_certificate /etc/letsencrypt/live/vgk.cm/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/vgk.cm/privkey.pem;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:vgk_tls:10m;"""

LOCAL = """\
# Made by `make up` (vgk.ops.up) for this machine only, from deploy/nginx-site.template.
@USER@worker_processes auto;
pid @RUN@/nginx.pid;
error_log @RUN@/nginx-error.log warn;

events {
    worker_connections 4096;
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    types { application/manifest+json webmanifest; }
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65s;
    access_log @RUN@/nginx-access.log combined buffer=64k flush=2s;
    client_body_temp_path @RUN@/nginx/client_body;
    proxy_temp_path @RUN@/nginx/proxy;
    fastcgi_temp_path @RUN@/nginx/fastcgi;
    uwsgi_temp_path @RUN@/nginx/uwsgi;
    scgi_temp_path @RUN@/nginx/scgi;

@SITE@
}
"""


def site(servers: list[str], listen: str, static_root: str, media_root: str, access_log: str,
         page_cache: str) -> str:
    """The upstreams and the server block for web processes at `servers` ("127.0.0.1:5001", ...)."""
    text = TEMPLATE.read_text()
    for key, value in (("@SERVERS@", "\n".join(f"    server {address};" for address in servers)),
                       ("@LISTEN@", listen), ("@STATIC_ROOT@", static_root),
                       ("@MEDIA_ROOT@", media_root.rstrip("/")), ("@ACCESS_LOG@", access_log),
                       ("@PAGE_CACHE@", page_cache)):
        text = text.replace(key, value)
    return text


def production() -> str:
    """deploy/nginx-vgk.conf: what a real host puts in its nginx."""
    return PRODUCTION_HEADER + site(["127.0.0.1:5001", "127.0.0.1:5002"], PRODUCTION_LISTEN,
                                    "/srv/vgk/build", "/srv/vgk/instance/media", "/var/log/nginx/access.log",
                                    "/var/cache/nginx/vgk")


def local(run_dir: str, port: int, web_ports: list[int], static_root: str, media_root: str) -> str:
    """A whole nginx.conf for `make up`: loopback only, logs, pid and temporary files in `run_dir`."""
    listen = f"    listen 127.0.0.1:{port};\n    server_name 127.0.0.1 localhost;"
    body = site([f"127.0.0.1:{p}" for p in web_ports], listen, static_root, media_root, "@RUN@/nginx-ws-access.log",
                "@RUN@/nginx/pages")
    indented = "\n".join(f"    {line}" if line else "" for line in body.splitlines())
    # Started by root, nginx's workers would run as nobody, who may not read the run directory: they run as
    # the account that runs the rest of the shape (gunicorn), on loopback only.
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""
    return LOCAL.replace("@SITE@", indented).replace("@RUN@", run_dir).replace("@USER@", user)


if __name__ == "__main__":
    print(production(), end="")
