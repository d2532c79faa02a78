"""`drugcontrol run` (what `make run` starts) is shaped like production: gunicorn with DEBUG
off, a secret key generated once, the worker beside it, e-mails to files, and the address
printed last."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_run_serves_through_gunicorn_with_debug_off(tmp_path):
    port = _free_port()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "DRUGCONTROL_AUDIT_KEY",
            "EMAIL_BACKEND",
            "SITE_URL",
        }
    }
    environment["DRUGCONTROL_VAR_DIR"] = str(tmp_path / "var")
    process = subprocess.Popen(
        [sys.executable, "-m", "drugcontrol.cli", "run", "--port", str(port), "--no-demo"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Serving on"):
                break
        assert lines and lines[-1].startswith(f"Serving on http://127.0.0.1:{port}/"), lines
        status, body, headers = _get(f"http://127.0.0.1:{port}/nonexistent")
        assert status == 404
        assert headers.get("Server", "").startswith("gunicorn")
        assert "<title>Not found" in body and "URLconf" not in body  # not Django's debug page
        status, body, _headers = _get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200
        key_file = tmp_path / "var" / "secret_key"
        assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
        assert len(key_file.read_text().strip()) >= 50
        audit_key_file = tmp_path / "var" / "audit_key"  # the audit log's own key, apart
        assert oct(audit_key_file.stat().st_mode & 0o777) == "0o600"
        assert len(audit_key_file.read_text().strip()) >= 50
        assert audit_key_file.read_text() != key_file.read_text()
        assert any("E-mails are written to" in line for line in lines)
        # The application's log (here the 404's warning) is in the server log.
        server_log = (tmp_path / "var" / "server.log").read_text()
        assert "Not Found: /nonexistent" in server_log
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
