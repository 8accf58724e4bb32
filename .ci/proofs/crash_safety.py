#!/usr/bin/env python3
"""Crash safety of quiz submissions: kill -9 the server under load, restart it,
and check that every acknowledged submission survived, exactly once and whole.

    python3 .ci/proofs/crash_safety.py [--backend sqlite|postgres] [--rounds N]

Each round:
  1. a fresh database (a SQLite file, or a new PostgreSQL database on
     127.0.0.1:5432, user postgres), 12 learners made with `salesdojo user add`,
     the server started on the shipped content;
  2. 12 concurrent clients (one per learner, session cookie + X-CSRF-Token)
     start and submit quiz attempts in a loop (about 70% of answers right),
     recording every acknowledged submission (a 2xx answer to
     PUT /api/v1/attempts/{id}: attempt id and score);
  3. after a random 0.5-3 s the server process gets SIGKILL;
  4. it is started again on the same database, and the script checks:
     - every acknowledged attempt is stored exactly once, submitted_at set,
       with the acknowledged score;
     - its evidence rows exist: one per question the attempt showed, each
       item once;
     - nothing is half-written, database-wide: no submitted attempt without
       its evidence (or with a different number of rows), no evidence for an
       attempt that is not submitted (or does not exist), no question with
       evidence but no review card;
     - standings exist for every (learner, competency) with evidence, and
       their evidence_count matches the evidence (distinct items);
     - submissions in flight at the kill (sent, never answered) landed whole
       or not at all;
     - the restarted server serves: GET /healthz, every learner logs in again
       and reads /api/v1/me/competencies, sessions from before the kill still
       work (same secret), GET /api/v1/attempts/{id} shows every acknowledged
       attempt submitted with its score, and a new start + submit works;
     - each submission in flight at the kill, sent again after the restart
       (same attempt, same answers), gets 200 and is then stored once, whole;
     - no 5xx answer at any time, no panic or ERROR line in the server log.

Prints one line per round and a summary; exits 1 when any check failed.
Environment: SALESDOJO_BIN (default $CARGO_TARGET_DIR/release/salesdojo,
else target/release/salesdojo), SALESDOJO_PROOF_POSTGRES (admin URL, default
postgres://postgres@127.0.0.1:5432/postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import dojolib as dl  # noqa: E402

httpx = dl.httpx

CLIENTS = 12


def norm_id(value) -> str:
    """UUIDs as text, whether the database returns uuid, bytes or str."""
    if value is None:
        return ""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return str(uuid.UUID(bytes=bytes(value)))
    return str(uuid.UUID(str(value)))


class Load:
    """What the clients saw."""

    def __init__(self):
        self.acked: dict[str, dict] = {}  # attempt id -> {score, user, module, questions}
        self.in_flight: dict[str, dict] = {}  # PUT sent, no answer (killed meanwhile)
        self.started: dict[str, dict] = {}  # attempt id -> {user, module, questions}
        self.server_errors: list[str] = []  # 5xx answers
        self.other: Counter = Counter()  # unexpected non-2xx statuses
        self.killed = False


async def login(client: "httpx.AsyncClient", email: str) -> tuple[int, str | None]:
    r = await client.post("/api/v1/session", json={"email": email, "password": dl.PASSWORD})
    if r.status_code != 200:
        return r.status_code, None
    return 200, r.json()["csrf_token"]


async def learner_loop(client, csrf, email, keys, modules, rng, load: Load, stop_at: float):
    headers = {"X-CSRF-Token": csrf}
    while not load.killed and time.monotonic() < stop_at:
        module = rng.choice(modules)
        try:
            r = await client.post(f"/api/v1/modules/{module}/attempts", json={}, headers=headers)
        except httpx.HTTPError:
            return  # the server is gone
        if r.status_code >= 500:
            load.server_errors.append(f"POST attempts {module}: {r.status_code} {r.text[:200]}")
            continue
        if r.status_code not in (200, 201):
            load.other[f"POST attempts {r.status_code}"] += 1
            continue
        attempt = r.json()
        attempt_id = attempt["attempt_id"]
        qids = [q["id"] for q in attempt["questions"]]
        load.started[attempt_id] = {"user": email, "module": module, "questions": qids}
        answers = {
            q["id"]: dl.answer(q, keys.get(module, {}).get(q["id"]), rng.random() < 0.7, rng)
            for q in attempt["questions"]
        }
        load.started[attempt_id]["answers"] = answers
        load.in_flight[attempt_id] = load.started[attempt_id]
        try:
            r = await client.put(f"/api/v1/attempts/{attempt_id}", json={"answers": answers}, headers=headers)
            body = r.json() if r.status_code < 300 else None
        except (httpx.HTTPError, json.JSONDecodeError):
            return  # killed while the PUT was in flight: outcome unknown
        del load.in_flight[attempt_id]
        if 200 <= r.status_code < 300:
            load.acked[attempt_id] = {**load.started[attempt_id], "score": body["score"], "passed": body["passed"]}
        elif r.status_code >= 500:
            load.server_errors.append(f"PUT attempt {attempt_id}: {r.status_code} {r.text[:200]}")
        else:
            load.other[f"PUT attempts {r.status_code}: {r.text[:120]}"] += 1


async def run_load(server: dl.Server, emails, keys, modules, rng, kill_after: float) -> tuple[Load, list]:
    load = Load()
    clients = [httpx.AsyncClient(base_url=server.url, timeout=30) for _ in emails]
    sessions = []
    try:
        logins = await asyncio.gather(*(login(c, e) for c, e in zip(clients, emails)))
        for (status, csrf), email in zip(logins, emails):
            if csrf is None:
                raise RuntimeError(f"login of {email} failed before the load: {status}")
        sessions = [(c, csrf, e) for c, (_, csrf), e in zip(clients, logins, emails)]

        async def killer():
            await asyncio.sleep(kill_after)
            load.killed = True
            server.kill()

        stop_at = time.monotonic() + kill_after + 30
        await asyncio.gather(
            killer(),
            *(
                learner_loop(c, csrf, e, keys, modules, random.Random(rng.random()), load, stop_at)
                for c, csrf, e in sessions
            ),
        )
    finally:
        # keep cookies for the "old session after restart" check
        pass
    return load, sessions


def check_database(db: dl.Database, load: Load) -> dict:
    """Everything the database holds after the restart, against what was acknowledged."""
    problems: list[str] = []
    attempts = db.query("SELECT id, user_id, module_id, submitted_at, score, questions FROM quiz_attempts")
    by_id: dict[str, list] = defaultdict(list)
    for row in attempts:
        by_id[norm_id(row[0])].append(row)
    evidence = db.query("SELECT origin, item, competency, user_id FROM evidence WHERE source = 'quiz'")
    ev_by_origin: dict[str, list] = defaultdict(list)
    for origin, item, competency, user_id in evidence:
        ev_by_origin[norm_id(origin)].append((item, competency, norm_id(user_id)))

    def shown_count(questions_json: str) -> int:
        shown = json.loads(questions_json)
        return len(shown if isinstance(shown, list) else shown.get("questions", []))

    found = missing = duplicated = wrong_score = 0
    for attempt_id, ack in load.acked.items():
        rows = by_id.get(attempt_id, [])
        if not rows:
            missing += 1
            problems.append(f"acknowledged attempt {attempt_id} ({ack['user']}, {ack['module']}) is missing")
            continue
        if len(rows) > 1:
            duplicated += 1
            problems.append(f"acknowledged attempt {attempt_id} stored {len(rows)} times")
        row = rows[0]
        if row[3] is None:
            missing += 1
            problems.append(f"acknowledged attempt {attempt_id} is stored but not submitted (submitted_at NULL)")
            continue
        found += 1
        if row[4] is None or abs(float(row[4]) - float(ack["score"])) > 1e-9:
            wrong_score += 1
            problems.append(f"attempt {attempt_id}: acknowledged score {ack['score']}, stored {row[4]}")
        items = [e[0] for e in ev_by_origin.get(attempt_id, [])]
        if len(items) != len(ack["questions"]):
            problems.append(
                f"acknowledged attempt {attempt_id}: {len(items)} evidence rows for {len(ack['questions'])} questions"
            )
        dups = [i for i, n in Counter(items).items() if n > 1]
        if dups:
            duplicated += 1
            problems.append(f"acknowledged attempt {attempt_id}: evidence items stored twice: {dups}")

    # Database-wide: nothing half-written.
    half_written = 0
    submitted_ids = set()
    for attempt_id, rows in by_id.items():
        row = rows[0]
        n_ev = len(ev_by_origin.get(attempt_id, []))
        if row[3] is not None:
            submitted_ids.add(attempt_id)
            expected = shown_count(row[5])
            if n_ev != expected:
                half_written += 1
                problems.append(f"submitted attempt {attempt_id} has {n_ev} evidence rows for {expected} questions")
        elif n_ev:
            half_written += 1
            problems.append(f"attempt {attempt_id} is not submitted but has {n_ev} evidence rows")
    orphan_origins = [o for o in ev_by_origin if o not in by_id]
    if orphan_origins:
        half_written += len(orphan_origins)
        problems.append(f"evidence for attempts that do not exist: {orphan_origins[:5]}")

    # Review cards: one per learner and question answered, made in the same transaction.
    cards = {
        (norm_id(u), m, q)
        for u, m, q in db.query("SELECT user_id, module_id, question_id FROM review_cards")
    }
    answered = set()
    for origin, evs in ev_by_origin.items():
        for item, _, user_id in evs:
            module_q = item.split(":", 1)[1]
            module, question = module_q.split("/", 1)
            answered.add((user_id, module, question))
    no_card = answered - cards
    card_no_evidence = cards - answered
    if no_card:
        half_written += 1
        problems.append(f"{len(no_card)} answered questions have no review card, e.g. {sorted(no_card)[:3]}")
    if card_no_evidence:
        half_written += 1
        problems.append(f"{len(card_no_evidence)} review cards without quiz evidence, e.g. {sorted(card_no_evidence)[:3]}")

    # Standings: one row per (learner, competency) with evidence, counting its items.
    expected_standings: dict[tuple, set] = defaultdict(set)
    for u, competency, item in db.query("SELECT user_id, competency, item FROM evidence"):
        expected_standings[(norm_id(u), competency)].add(item)
    standings = {
        (norm_id(u), c): n for u, c, n in db.query("SELECT user_id, competency, evidence_count FROM competency_standings")
    }
    standings_missing = [k for k in expected_standings if k not in standings]
    standings_stale = [
        (k, standings[k], len(v)) for k, v in expected_standings.items() if k in standings and standings[k] != len(v)
    ]
    if standings_missing:
        problems.append(f"{len(standings_missing)} (learner, competency) pairs with evidence have no standing, e.g. {standings_missing[:3]}")
    if standings_stale:
        problems.append(f"{len(standings_stale)} standings whose evidence_count differs from the evidence, e.g. {standings_stale[:3]}")

    # Submissions cut off by the kill: landed whole or not at all (checked above); count them.
    in_flight_landed = sum(1 for a in load.in_flight if a in submitted_ids)
    unacked_submitted = [a for a in submitted_ids if a not in load.acked and a not in load.in_flight]

    return {
        "attempts_rows": len(attempts),
        "submitted_rows": len(submitted_ids),
        "found": found,
        "missing": missing,
        "duplicated": duplicated,
        "wrong_score": wrong_score,
        "half_written": half_written,
        "standings_missing": len(standings_missing),
        "standings_stale": len(standings_stale),
        "in_flight_landed": in_flight_landed,
        "unexplained_submitted": len(unacked_submitted),
        "problems": problems,
    }


async def check_service(server: dl.Server, emails, old_sessions, load: Load, keys, rng) -> tuple[dict, list[str]]:
    problems: list[str] = []
    figures = Counter()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as anon:
        r = await anon.get("/healthz")
        if r.status_code != 200 or r.json().get("database") != "ok":
            problems.append(f"/healthz after restart: {r.status_code} {r.text[:200]}")
    # Sessions made before the kill still work (they live in the database; same secret).
    for client, csrf, email in old_sessions:
        client.base_url = server.url
        try:
            r = await client.get("/api/v1/me")
            figures["old_session_ok" if r.status_code == 200 else f"old_session_{r.status_code}"] += 1
        except httpx.HTTPError as e:
            problems.append(f"old session of {email}: {e!r}")
    # Every learner logs in again and reads their competencies.
    sem = asyncio.Semaphore(CLIENTS)

    async def relogin(email):
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as c:
            status, csrf = await login(c, email)
            if csrf is None:
                problems.append(f"login of {email} after restart: {status}")
                return
            r = await c.get("/api/v1/me/competencies")
            if r.status_code != 200 or "competencies" not in r.json():
                problems.append(f"/api/v1/me/competencies of {email} after restart: {r.status_code}")
                return
            figures["relogin_ok"] += 1
            # A new start + submit works and is stored.
            module = rng.choice(sorted(keys))
            r = await c.post(f"/api/v1/modules/{module}/attempts", json={}, headers={"X-CSRF-Token": csrf})
            if r.status_code not in (200, 201):
                problems.append(f"start after restart ({email}, {module}): {r.status_code} {r.text[:200]}")
                return
            attempt = r.json()
            answers = {q["id"]: dl.answer(q, keys[module].get(q["id"]), True, rng) for q in attempt["questions"]}
            r = await c.put(
                f"/api/v1/attempts/{attempt['attempt_id']}", json={"answers": answers}, headers={"X-CSRF-Token": csrf}
            )
            if r.status_code != 200:
                problems.append(f"submit after restart ({email}): {r.status_code} {r.text[:200]}")
                return
            figures["submit_after_restart_ok"] += 1

    await asyncio.gather(*(relogin(e) for e in emails))
    # Every acknowledged attempt, read back through the API by its owner.
    owners = {email: (client, csrf) for client, csrf, email in old_sessions}

    async def read_back(attempt_id, ack):
        async with sem:
            client, _ = owners[ack["user"]]
            r = await client.get(f"/api/v1/attempts/{attempt_id}")
            if r.status_code != 200:
                problems.append(f"GET /api/v1/attempts/{attempt_id}: {r.status_code}")
                return
            body = r.json()
            result = body.get("result") or {}
            if body.get("submitted") is not True or abs(float(result.get("score", -1)) - float(ack["score"])) > 1e-9:
                problems.append(f"GET /api/v1/attempts/{attempt_id}: submitted={body.get('submitted')} score={result.get('score')} (acknowledged {ack['score']})")
                return
            figures["api_read_back_ok"] += 1

    # Submissions cut off by the kill: the client sends the same PUT again (it is idempotent).
    async def retry(attempt_id, sent):
        async with sem:
            client, csrf = owners[sent["user"]]
            r = await client.put(
                f"/api/v1/attempts/{attempt_id}", json={"answers": sent["answers"]}, headers={"X-CSRF-Token": csrf}
            )
            if r.status_code != 200:
                problems.append(f"retrying the in-flight PUT {attempt_id} after restart: {r.status_code} {r.text[:200]}")
                return
            figures["in_flight_retried_ok"] += 1

    if figures["old_session_ok"] == len(old_sessions):
        await asyncio.gather(*(read_back(a, ack) for a, ack in load.acked.items()))
        await asyncio.gather(*(retry(a, sent) for a, sent in load.in_flight.items()))
    for client, _, _ in old_sessions:
        await client.aclose()
    return dict(figures), problems


def again_submitted(db: dl.Database) -> set[str]:
    return {norm_id(r[0]) for r in db.query("SELECT id FROM quiz_attempts WHERE submitted_at IS NOT NULL")}


def panics(log: str) -> list[str]:
    """Panics and ERROR lines of a JSON log."""
    return [line for line in log.splitlines() if "panicked" in line or '"level":"ERROR"' in line]


def one_round(backend: str, n: int, rng: random.Random, keys, keep: bool) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"sd-crash-{backend}-{n}-"))
    db = dl.Database(backend, workdir, f"crash{n}")
    secret = dl.new_secret()
    env = dl.base_env(db.url, secret)
    env["RUST_LOG"] = "info"
    emails = [f"learner{i:02d}@example.com" for i in range(CLIENTS)]
    problems: list[str] = []
    result: dict = {"round": n, "backend": backend}
    server = None
    try:
        migrated = dl.cli(["migrate"], env, cwd=workdir)
        if migrated.returncode != 0:
            raise RuntimeError(f"salesdojo migrate failed: {migrated.stderr}")
        for i, email in enumerate(emails):
            dl.add_user(env, email, f"Learner {i:02d}", cwd=workdir)
        port = dl.free_port()
        server = dl.Server(env, port, workdir / "server-1.log", cwd=workdir)
        if not server.wait_ready():
            raise RuntimeError(f"server did not start: {server.log_text()[-2000:]}")
        kill_after = rng.uniform(0.5, 3.0)
        modules = sorted(keys)
        t0 = time.monotonic()
        load, sessions = asyncio.run(run_load(server, emails, keys, modules, rng, kill_after))
        result["kill_after_s"] = round(kill_after, 2)
        result["load_s"] = round(time.monotonic() - t0, 2)
        result["acknowledged"] = len(load.acked)
        result["started"] = len(load.started)
        result["in_flight"] = len(load.in_flight)
        result["http_5xx"] = len(load.server_errors)
        problems += [f"5xx during load: {e}" for e in load.server_errors[:10]]
        if load.other:
            result["other_statuses"] = dict(load.other)
        first_log = server.log_text()

        # Restart on the same database (and the same port, as a load balancer would expect).
        server = dl.Server(env, port, workdir / "server-2.log", cwd=workdir)
        t1 = time.monotonic()
        if not server.wait_ready():
            raise RuntimeError(f"server did not restart after SIGKILL: {server.log_text()[-2000:]}")
        result["restart_s"] = round(time.monotonic() - t1, 2)

        figures = check_database(db, load)
        problems += figures.pop("problems")
        if figures["unexplained_submitted"]:
            problems.append(f"{figures['unexplained_submitted']} submitted attempts were never sent by a client")
        result.update(figures)

        service, service_problems = asyncio.run(
            check_service(server, emails, sessions, load, keys, random.Random(rng.random()))
        )
        result.update(service)
        problems += service_problems
        after = server.log_text()
        bad_lines = panics(first_log) + panics(after)
        if bad_lines:
            problems += [f"server log: {line[:300]}" for line in bad_lines[:10]]
        # Database-wide consistency again, now including the post-restart submissions.
        again = check_database(db, Load())
        retried_missing = [a for a in load.in_flight if a not in again_submitted(db)] if service.get("in_flight_retried_ok") else []
        if retried_missing:
            problems.append(f"in-flight submissions retried with 200 but not stored: {retried_missing[:5]}")
        if again["half_written"] or again["standings_missing"] or again["standings_stale"]:
            problems += ["after post-restart traffic: " + p for p in again["problems"]]
    except Exception as e:  # noqa: BLE001 - reported as a failed round
        problems.append(f"round aborted: {e!r}")
    finally:
        if server is not None:
            code = server.stop()
            if code not in (0, None):
                problems.append(f"graceful stop after the checks exited with {code}")
        if not keep:
            db.drop()
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            result["kept"] = str(workdir) if backend == "sqlite" else db.name
    result["problems"] = problems
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the databases and logs of each round")
    parser.add_argument("--json", type=Path, help="also write the per-round results as JSON here")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    rng = random.Random(seed)
    keys = dl.quiz_keys()
    print(f"crash_safety: backend={args.backend} rounds={args.rounds} seed={seed} binary={dl.binary()}", flush=True)
    results = []
    for n in range(1, args.rounds + 1):
        r = one_round(args.backend, n, rng, keys, args.keep)
        results.append(r)
        print(
            f"round {n:2d}: kill after {r.get('kill_after_s', '?')} s; "
            f"acknowledged {r.get('acknowledged', '?')}, found {r.get('found', '?')}, "
            f"missing {r.get('missing', '?')}, duplicated {r.get('duplicated', '?')}, "
            f"half-written {r.get('half_written', '?')}, in flight at kill {r.get('in_flight', '?')} "
            f"(landed whole {r.get('in_flight_landed', '?')}, retried after restart with 200: {r.get('in_flight_retried_ok', 0)}), 5xx {r.get('http_5xx', '?')}, "
            f"restart {r.get('restart_s', '?')} s, read back via API {r.get('api_read_back_ok', 0)}, "
            f"old sessions ok {r.get('old_session_ok', 0)}/{CLIENTS}, relogins {r.get('relogin_ok', 0)}/{CLIENTS} -> {'OK' if not r['problems'] else 'FAIL'}",
            flush=True,
        )
        for p in r["problems"]:
            print(f"    PROBLEM: {p}", flush=True)
    total = Counter()
    for r in results:
        for k in ("acknowledged", "found", "missing", "duplicated", "half_written", "wrong_score", "in_flight",
                  "in_flight_landed", "in_flight_retried_ok", "http_5xx", "standings_missing", "standings_stale", "unexplained_submitted"):
            total[k] += r.get(k, 0) or 0
    failed = [r["round"] for r in results if r["problems"]]
    print(
        f"SUMMARY backend={args.backend}: rounds {len(results)}, acknowledged {total['acknowledged']}, "
        f"found {total['found']}, missing {total['missing']}, duplicated {total['duplicated']}, "
        f"half-written {total['half_written']}, wrong score {total['wrong_score']}, "
        f"in flight at kill {total['in_flight']} (landed whole {total['in_flight_landed']}, retried with 200 {total['in_flight_retried_ok']}), "
        f"5xx {total['http_5xx']}, standings missing {total['standings_missing']}, "
        f"standings stale {total['standings_stale']}, failed rounds {failed or 'none'}",
        flush=True,
    )
    if args.json:
        args.json.write_text(json.dumps({"seed": seed, "rounds": results}, indent=2, default=str))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
