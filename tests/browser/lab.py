"""Start JupyterLab 4 or Notebook 7 on a free localhost port for browser tests, then stop it."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@dataclass
class Lab:
    url: str
    token: str
    root: Path
    log: Path
    app: str = "lab"

    def notebook_url(self, name: str) -> str:
        if self.app == "notebook":
            return f"{self.url}/notebooks/{name}?token={self.token}"
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def jupyterlab(root: Path, timeout: float = 90, app: str = "lab") -> Iterator[Lab]:
    """Run ``jupyter lab`` (or ``jupyter notebook``) serving ``root`` on 127.0.0.1."""
    port, token = free_port(), secrets.token_hex(16)
    config = root / ".jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    # No news pop-up, no update check: the tests see what a user's fresh lab shows, minus noise.
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(config), "TF_CPP_MIN_LOG_LEVEL": "3"}
    log = root / "jupyterlab.log"
    cmd = [
        sys.executable, "-m", "jupyter", app,
        "--no-browser", f"--port={port}", "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.port_retries=0",
    ]  # fmt: skip
    if app == "lab":
        cmd += [
            f"--LabApp.workspaces_dir={root / '.workspaces'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI and containers run as root
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2):
                    break
            except OSError as exc:
                if time.monotonic() > deadline:
                    tail = log.read_text()[-3000:]
                    raise RuntimeError(f"jupyter lab did not start:\n{tail}") from exc
                time.sleep(0.5)
        yield Lab(url, token, root, log, app)
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def write_notebook(path: Path, *cells: str) -> None:
    """A notebook of code ``cells`` for the python3 kernel (so no "Select Kernel" question)."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nbformat.write(nb, path)


UNWRAP_ERRORS = """
(() => {
  const error = console.error.bind(console);
  console.error = (...args) => {
    for (const a of args)
      if (a && Array.isArray(a.error_stack))
        error("wraps: " + a.error_stack.map((e) => String((e && e.stack) || e)).join(" <- "));
    error(...args);
  };
})();
"""


@contextmanager
def notebook_page(
    root: Path,
    name: str,
    *,
    app: str = "lab",
    viewport: tuple[int, int] = (1400, 1100),
    failure_png: str | None = None,
) -> Iterator:  # type: ignore[type-arg]
    """A server on ``root`` and headless Chromium showing notebook ``name``, its kernel idle.

    A "Select Kernel" dialog is accepted. If the body of the ``with`` fails, a screenshot named
    ``failure_png`` is left in ``artifacts/`` for people to look at, and the server's log beside it.
    """
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with jupyterlab(root, app=app) as lab, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
        console: list[str] = []  # the page's errors and warnings, saved with a failure
        stamp = lambda: time.strftime("%H:%M:%S") + f".{int(time.time() * 1000) % 1000:03d}"  # noqa: E731
        page.on("console", lambda m: console.append(f"{stamp()} {m.type}: {m.text}"))
        page.on("pageerror", lambda e: console.append(f"{stamp()} page error: {e}"))
        # Errors that wrap others (ipywidgets' "Could not process update msg") say what they wrap.
        page.add_init_script(UNWRAP_ERRORS)
        try:
            page.goto(lab.notebook_url(name))
            page.wait_for_selector(".jp-Notebook .jp-Cell .jp-InputArea-editor", timeout=90_000)
            page.wait_for_selector(
                ".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000
            )
            dismiss_dialogs(page)
            yield page
        except Exception:
            if failure_png:
                page.screenshot(path=str(ARTIFACTS / failure_png))
                # the server's log beside it (kernel restarts, dropped IOPub messages), then
                # what the page's console said
                log = ARTIFACTS / Path(failure_png).with_suffix(".log")
                shutil.copyfile(lab.log, log)
                with log.open("a", encoding="utf-8") as out:
                    out.write("\n--- browser console ---\n" + "\n".join(console) + "\n")
            raise
        finally:
            browser.close()


def cell_busy(page, index: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether cell ``index`` shows ``[*]`` (its code is still running)."""
    prompt = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-InputPrompt")
    return "[*]" in prompt.inner_text()


def run_cell(page, index: int) -> None:  # type: ignore[no-untyped-def]
    """Run one cell with Ctrl+Enter, retrying while JupyterLab has not taken the keypress yet."""
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(10):
        cell.locator(".jp-InputArea-editor").click()
        page.wait_for_timeout(300)
        page.keyboard.press("Control+Enter")
        try:
            page.wait_for_function(
                "el => /\\[[*0-9]+\\]/.test(el.innerText)",
                arg=prompt.element_handle(),
                timeout=3_000,
            )
            return
        except Exception:
            continue
    raise AssertionError(f"cell {index} did not start running")


def dismiss_dialogs(page) -> None:  # type: ignore[no-untyped-def]
    """Accept a "Select Kernel" dialog if JupyterLab shows one."""
    dialog = page.locator(".jp-Dialog")
    if dialog.count():
        dialog.locator(".jp-mod-accept").first.click()
