"""Shared helpers for the proofs in .ci/proofs: finding and running the
salesdojo binary, fresh databases (SQLite file or a new PostgreSQL database),
reading the database directly, and answering quizzes from the shipped content.

Python 3.11. Installs its own requirements (httpx, psycopg) when missing.
"""

from __future__ import annotations

import base64
import importlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
PG_ADMIN = os.environ.get("SALESDOJO_PROOF_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "crash-proof-password-42"


def ensure(module: str, pip_name: str | None = None):
    """Imports `module`, pip-installing `pip_name` first when it is missing."""
    try:
        return importlib.import_module(module)
    except ImportError:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", pip_name or module],
            check=True,
        )
        importlib.invalidate_caches()
        return importlib.import_module(module)


httpx = ensure("httpx")


def binary() -> str:
    """SALESDOJO_BIN, else the release build in $CARGO_TARGET_DIR, else target/release."""
    target = os.environ.get("CARGO_TARGET_DIR")
    candidates = [
        os.environ.get("SALESDOJO_BIN"),
        os.path.join(target, "release/salesdojo") if target else None,
        str(REPO / "target/release/salesdojo"),
    ]
    for c in candidates:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    sys.exit("no salesdojo binary: set SALESDOJO_BIN or build with cargo build --release")


def new_secret() -> str:
    return base64.b64encode(os.urandom(48)).decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- databases


class Database:
    """A fresh database: a SQLite file in `workdir`, or a new PostgreSQL database."""

    def __init__(self, backend: str, workdir: Path, tag: str):
        self.backend = backend
        self.workdir = workdir
        if backend == "sqlite":
            self.path = workdir / "salesdojo.db"
            self.url = f"sqlite://{self.path}"
            self.name = str(self.path)
        elif backend == "postgres":
            self.name = f"sd_proof_{tag}_{int(time.time())}_{os.getpid()}_{random.randrange(10**6)}"
            psql(PG_ADMIN, f'CREATE DATABASE "{self.name}"')
            base = PG_ADMIN.rsplit("/", 1)[0]
            self.url = f"{base}/{self.name}"
        else:
            raise ValueError(backend)

    def query(self, sql: str) -> list[tuple]:
        """Rows of a read-only query, straight from the database."""
        if self.backend == "sqlite":
            import sqlite3

            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            try:
                return con.execute(sql).fetchall()
            finally:
                con.close()
        psycopg = ensure("psycopg", "psycopg[binary]")
        with psycopg.connect(self.url, autocommit=True) as con:
            return con.execute(sql).fetchall()

    def drop(self) -> None:
        if self.backend == "postgres":
            psql(PG_ADMIN, f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def psql(url: str, sql: str) -> str:
    out = subprocess.run(
        ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"psql failed: {sql}: {out.stderr.strip()}")
    return out.stdout


# ---------------------------------------------------------------- the binary


def base_env(db_url: str, secret: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = db_url
    env["SALESDOJO_SECRET"] = secret
    env.setdefault("RUST_LOG", "warn")
    env["SALESDOJO_LOG_FORMAT"] = "json"
    env.pop("SALESDOJO_BIND", None)
    env["SALESDOJO_CONTENT"] = str(CONTENT)
    return env


def cli(args: list[str], env: dict[str, str], stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary(), *args], env=env, input=stdin, capture_output=True, text=True, cwd=cwd, timeout=120
    )


def add_user(env: dict[str, str], email: str, name: str, roles=("learner",), job: str | None = "new-hire", cwd: Path | None = None) -> None:
    args = ["user", "add", "--email", email, "--name", name]
    for r in roles:
        args += ["--role", r]
    if job:
        args += ["--job", job]
    args.append("--password-stdin")
    out = cli(args, env, stdin=PASSWORD + "\n", cwd=cwd)
    if out.returncode != 0:
        raise RuntimeError(f"user add {email} failed ({out.returncode}): {out.stderr}{out.stdout}")


class Server:
    """One `salesdojo serve` process; its log goes to a file."""

    def __init__(self, env: dict[str, str], port: int, log: Path, content: Path = CONTENT, extra: list[str] | None = None, cwd: Path | None = None):
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(
            [binary(), "serve", "--bind", f"127.0.0.1:{port}", "--content", str(content), *(extra or [])],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, timeout: float = 60.0) -> bool:
        """True once /healthz answers 200; False if the process exits first or time runs out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = httpx.get(self.url + "/healthz", timeout=2)
                if r.status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        return False

    def kill(self) -> None:
        """SIGKILL: no graceful shutdown, in-flight transactions die with it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self._log.close()

    def stop(self) -> int:
        """SIGTERM and wait (the graceful stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


# ---------------------------------------------------------------- quizzes

_HEADING = re.compile(r"^## .*\{#([A-Za-z0-9_-]+)([^}]*)\}\s*$")
_OPTION = re.compile(r"^- \[( |x|X)\] (.*)$")
_ORDERED = re.compile(r"^\d+\. ")


def quiz_keys(content: Path = CONTENT) -> dict[str, dict[str, dict]]:
    """module id -> question id -> {"type", "correct": [option ids] or accepted texts}.

    Reads quiz.md (the default language) the way SPEC 2.3 describes it:
    `[x]` options are right; `type=order` lists are right in source order;
    `type=text` `[x]` items are the accepted answers.
    """
    keys: dict[str, dict[str, dict]] = {}
    for quiz in sorted(content.glob("modules/*/quiz.md")):
        module = quiz.parent.name
        questions: dict[str, dict] = {}
        current = None
        in_front = False
        for line in quiz.read_text().splitlines():
            if line.strip() == "+++":
                in_front = not in_front
                continue
            if in_front:
                continue
            m = _HEADING.match(line)
            if m:
                attrs = m.group(2)
                qtype = "order" if "type=order" in attrs else "text" if "type=text" in attrs else "choice"
                current = {"type": qtype, "options": [], "order": 0}
                questions[m.group(1)] = current
                continue
            if current is None:
                continue
            o = _OPTION.match(line)
            if o:
                current["options"].append((o.group(1).lower() == "x", o.group(2).strip()))
            elif _ORDERED.match(line):
                current["order"] += 1
        for q in questions.values():
            if q["type"] == "text":
                q["correct"] = [text for right, text in q["options"] if right]
            elif q["type"] == "order":
                q["correct"] = list(range(q["order"]))
            else:
                q["correct"] = [i for i, (right, _) in enumerate(q["options"]) if right]
        keys[module] = questions
    return keys


def answer(question: dict, key: dict | None, right: bool, rng: random.Random):
    """An answer in the PUT /attempts shape for one question of an attempt
    (`question` as POST /attempts returned it): the right one from `key` when
    `right`, otherwise a valid but (usually) wrong one."""
    qtype = question["type"]
    ids = [o["id"] for o in question.get("options", [])]
    if qtype == "text":
        if right and key and key.get("correct"):
            return key["correct"][0]
        return "not the answer"
    if qtype == "order":
        if right:
            return sorted(ids)
        shuffled = ids[:]
        rng.shuffle(shuffled)
        return shuffled
    if right and key and key.get("correct"):
        return list(key["correct"])
    if qtype == "single":
        return [rng.choice(ids)]
    k = rng.randint(1, max(1, len(ids)))
    return sorted(rng.sample(ids, k))
