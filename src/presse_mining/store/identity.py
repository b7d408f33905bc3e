"""Users correct the machine's identities, and people are forgotten.

* `merge(store, A, B)`: A is B (every mention, role and participation of A moves to B);
* `rename(store, A, NEW)`: A is called NEW;
* `split(store, A, article_id, NEW)`: in that article A is someone else (NEW);
  `split(store, A)` without an article undoes the merges/renames into A;
* `forget(store, NAME)`: the person's entity, mentions, roles and participations are
  deleted, the name is masked in stored texts and the search index, and the act is logged.

Every correction is kept in `entity_corrections` and applied by `correct_result` to each
analysis before it is written (store.db.write_analysis), so corrections survive
`analyze --all`; forgotten names are masked by `mask_text` on every import, so a
re-import or re-crawl does not bring them back. Every act is logged in `audit_log`;
the log holds a hash of a forgotten name, not the name.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3

from ..articles.model import content_hash
from ..errors import PresseError
from .german import search_terms

MASK = "█"
LABELS = ("PER", "ORG", "LOC", "MISC")


# -- reading the corrections ---------------------------------------------------------------

def _rules(conn: sqlite3.Connection) -> dict:
    rows = conn.execute(
        "SELECT action, label, name, target, article_id FROM entity_corrections ORDER BY id"
    ).fetchall()
    rules = {"rename": {}, "split": {}, "forget": set()}
    for action, label, name, target, article_id in rows:
        if action in ("merge", "rename"):
            rules["rename"][(label, name)] = target
        elif action == "split" and article_id is not None:
            rules["split"][(article_id, label, name)] = target
        elif action == "forget":
            rules["forget"].add(_fold(name))
    return rules


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _renamed(rules: dict, article_id: int | None, label: str, name: str) -> str:
    seen = set()
    while name not in seen:  # follow chains (A → B, B → C), never loop
        seen.add(name)
        split_off = rules["split"].get((article_id, label, name)) or rules["split"].get((article_id, None, name))
        if split_off:
            name = split_off
            continue
        target = rules["rename"].get((label, name)) or rules["rename"].get((None, name))
        if not target:
            break
        name = target
    return name


def forgotten(conn: sqlite3.Connection) -> set[str]:
    return _rules(conn)["forget"]


def correct_result(conn: sqlite3.Connection, article_id: int | None, result: dict) -> dict:
    """An analysis result with the users' corrections applied and forgotten people left out."""
    rules = _rules(conn)
    if not (rules["rename"] or rules["split"] or rules["forget"]):
        return result
    gone = rules["forget"]

    def name(label: str, value: str) -> str:
        return _renamed(rules, article_id, label, value)

    def is_gone(value: str | None) -> bool:
        return bool(value) and _fold(value) in gone

    result = dict(result)
    entities = []
    for m in result.get("entities", []):
        canonical = name(m["label"], m["canonical"])
        if m["label"] == "PER" and (is_gone(canonical) or is_gone(m["text"])):
            continue
        entities.append({**m, "canonical": canonical})
    result["entities"] = entities
    roles = []
    for r in result.get("roles", []):
        person = name("PER", r["person"])
        if is_gone(person):
            continue
        roles.append({**r, "person": person,
                      "organisation": name("ORG", r["organisation"]) if r.get("organisation") else None})
    result["roles"] = roles
    events = []
    for e in result.get("events", []):
        events.append({
            **e,
            "persons": [name("PER", p) for p in e.get("persons", []) if not is_gone(name("PER", p))],
            "organisations": [name("ORG", o) for o in e.get("organisations", [])],
            "organisers": [name("ORG", o) for o in e.get("organisers", [])],
        })
    result["events"] = events
    return result


# -- masking forgotten names -----------------------------------------------------------------

def _mask(match: re.Match) -> str:
    return "".join(c if c.isspace() else MASK for c in match.group(0))


def _name_pattern(name: str) -> re.Pattern:
    words = [re.escape(w) for w in name.split()]
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def mask_text(text: str, names: set[str] | list[str]) -> str:
    """Mask each forgotten full name, and, where it occurs, its surname alone, keeping offsets."""
    for name in names:
        pattern = _name_pattern(name)
        if pattern.search(text):
            text = pattern.sub(_mask, text)
            surname = name.split()[-1]
            if len(name.split()) > 1 and len(surname) > 2:
                text = re.sub(r"(?<!\w)" + re.escape(surname) + r"s?(?!\w)", _mask, text, flags=re.IGNORECASE)
    return text


def mask_article(conn: sqlite3.Connection, article):
    """Called on import: a forgotten person's name never enters the store again."""
    names = forgotten(conn)
    if names and article.text:
        article.text = mask_text(article.text, names)
        if article.title:
            article.title = mask_text(article.title, names)
    return article


# -- corrections ----------------------------------------------------------------------------

def _log(conn: sqlite3.Connection, action: str, detail: dict) -> None:
    from .db import now

    conn.execute("INSERT INTO audit_log (at, action, detail) VALUES (?, ?, ?)",
                 [now(), action, json.dumps(detail, ensure_ascii=False, sort_keys=True)])


def _record(conn, action: str, label: str | None, name: str, target: str | None, article_id: int | None = None):
    from .db import now

    conn.execute(
        "INSERT INTO entity_corrections (action, label, name, target, created_at, article_id) VALUES (?, ?, ?, ?, ?, ?)",
        [action, label, name, target, now(), article_id],
    )


def _entities(conn: sqlite3.Connection, name: str, label: str | None) -> list[tuple[int, str, str]]:
    rows = conn.execute(
        "SELECT id, label, name FROM entities WHERE name = ? AND (? IS NULL OR label = ?)", [name, label, label]
    ).fetchall()
    if not rows:
        rows = conn.execute(
            "SELECT id, label, name FROM entities WHERE lower(name) = lower(?) AND (? IS NULL OR label = ?)",
            [name, label, label],
        ).fetchall()
    return rows


def _entity_id(conn: sqlite3.Connection, label: str, name: str) -> int:
    conn.execute("INSERT OR IGNORE INTO entities (label, name) VALUES (?, ?)", [label, name])
    return conn.execute("SELECT id FROM entities WHERE label = ? AND name = ?", [label, name]).fetchone()[0]


def _move(conn: sqlite3.Connection, source: int, target: int, article_id: int | None = None) -> None:
    """Re-point mentions, roles and participations from one entity to another."""
    scope = "" if article_id is None else " AND article_id = ?"
    args = [] if article_id is None else [article_id]
    conn.execute(f"UPDATE mentions SET entity_id = ? WHERE entity_id = ?{scope}", [target, source, *args])
    conn.execute(f"UPDATE roles SET person_id = ? WHERE person_id = ?{scope}", [target, source, *args])
    conn.execute(f"UPDATE roles SET organisation_id = ? WHERE organisation_id = ?{scope}", [target, source, *args])
    event_scope = "" if article_id is None else " AND event_id IN (SELECT id FROM events WHERE article_id = ?)"
    conn.execute(
        "INSERT OR IGNORE INTO event_participants (event_id, entity_id, kind)"
        f" SELECT event_id, ?, kind FROM event_participants WHERE entity_id = ?{event_scope}",
        [target, source, *args],
    )
    conn.execute(f"DELETE FROM event_participants WHERE entity_id = ?{event_scope}", [source, *args])
    if article_id is None:
        conn.execute("DELETE FROM entities WHERE id = ?", [source])


def merge(store, name: str, into: str, label: str | None = None, action: str = "merge") -> dict:
    """Entity `name` is the same as `into`: its records move there, now and after re-analysis."""
    if _fold(name) == _fold(into) and name == into:
        raise PresseError(f"{name}: cannot {action} an entity into itself")
    with store.transaction() as conn:
        sources = _entities(conn, name, label)
        if not sources:
            raise PresseError(f"{name}: no such entity{f' ({label})' if label else ''} (see `presse-mining entities list`)")
        if action == "merge":
            # the same kind of entity only: a person is never merged into an organisation
            targets = [t for t in _entities(conn, into, label) if t[1] in {row[1] for row in sources}]
            if not targets:
                labels = "/".join(sorted({row[1] for row in sources}))
                raise PresseError(f"{into}: no {labels} entity of that name to merge {name} into")
            into = targets[0][2]
            sources = [row for row in sources if row[1] in {t[1] for t in targets}]
        moved = 0
        for entity_id, entity_label, entity_name in sources:
            target = _entity_id(conn, entity_label, into)
            if target == entity_id:
                continue
            _move(conn, entity_id, target)
            moved += 1
        for entity_label in sorted({row[1] for row in sources}):
            _record(conn, action, label or entity_label, sources[0][2], into)
        _log(conn, action, {"from": sources[0][2], "to": into, "label": label, "entities": moved})
    return {"action": action, "from": sources[0][2], "to": into, "entities": moved}


def rename(store, name: str, new_name: str, label: str | None = None) -> dict:
    return merge(store, name, new_name, label=label, action="rename")


def split(store, name: str, article_id: int | None = None, new_name: str | None = None, label: str | None = None) -> dict:
    """In one article, `name` is someone else; without an article, undo the merges into `name`."""
    with store.transaction() as conn:
        entities = _entities(conn, name, label)
        if article_id is None:
            undone = conn.execute(
                "DELETE FROM entity_corrections WHERE action IN ('merge', 'rename') AND target = ?"
                " AND (? IS NULL OR label = ?)", [name, label, label],
            ).rowcount
            if not undone:
                raise PresseError(f"{name}: nothing was merged into it; name an article to split off (--article ID)")
            # the machine's own names come back with the next `presse-mining analyze`
            ids = [row[0] for row in entities]
            touched = 0
            if ids:
                marks = ",".join("?" * len(ids))
                touched = conn.execute(
                    f"UPDATE articles SET analyzed_at = NULL WHERE id IN (SELECT article_id FROM mentions WHERE entity_id IN ({marks}))"
                    f" OR id IN (SELECT article_id FROM roles WHERE person_id IN ({marks}) OR organisation_id IN ({marks}))",
                    ids * 3,
                ).rowcount
            _log(conn, "split", {"name": name, "undone": undone, "articles_to_reanalyse": touched})
            return {"action": "split", "name": name, "undone": undone, "articles_to_reanalyse": touched}
        if not conn.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone():
            raise PresseError(f"article {article_id}: no such article")
        if not entities:
            raise PresseError(f"{name}: no such entity")
        new_name = new_name or f"{entities[0][2]} ({article_id})"
        for entity_id, entity_label, _ in entities:
            _move(conn, entity_id, _entity_id(conn, entity_label, new_name), article_id=article_id)
            _record(conn, "split", entity_label, entities[0][2], new_name, article_id)
        _log(conn, "split", {"name": entities[0][2], "article": article_id, "as": new_name})
    store.prune_entities()
    return {"action": "split", "name": entities[0][2], "article": article_id, "as": new_name}


def forget(store, name: str) -> dict:
    """Remove a person from the store for good: entity, mentions, roles, participations, name in texts."""
    with store.transaction() as conn:
        entities = _entities(conn, name, "PER")
        full_name = entities[0][2] if entities else " ".join(name.split())
        ids = [row[0] for row in entities]
        marks = ",".join("?" * len(ids)) or "NULL"
        spans: dict[int, list[tuple[int, int]]] = {}
        for article_id, start, end in conn.execute(
            f'SELECT article_id, start, "end" FROM mentions WHERE entity_id IN ({marks})', ids
        ):
            spans.setdefault(article_id, []).append((start, end))
        pattern = _name_pattern(full_name)
        candidates = set(spans)
        # articles that write the name although no mention was found (or not yet analysed)
        like = "%" + full_name.split()[-1] + "%"
        candidates |= {row[0] for row in conn.execute("SELECT id FROM articles WHERE text LIKE ?", [like])}
        masked_articles = 0
        for article_id in sorted(candidates):
            text, title = conn.execute("SELECT text, title FROM articles WHERE id = ?", [article_id]).fetchone()
            chars = list(text)
            for start, end in spans.get(article_id, []):
                for i in range(max(start, 0), min(end, len(chars))):
                    if not chars[i].isspace():
                        chars[i] = MASK
            new_text = "".join(chars)
            if pattern.search(new_text) or article_id in spans:
                new_text = mask_text(new_text, [full_name])
            new_title = mask_text(title, [full_name]) if title else title
            if new_text == text and new_title == title:
                continue
            masked_articles += 1
            conn.execute("UPDATE articles SET text = ?, title = ?, content_hash = ? WHERE id = ?",
                         [new_text, new_title, content_hash(new_text), article_id])
            conn.execute("DELETE FROM articles_fts WHERE rowid = ?", [article_id])
            conn.execute("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                         [article_id, search_terms(new_title), search_terms(new_text)])
            for table, column in (("events", "title"), ("field_evidence", "sentence")):
                for row_id, value in conn.execute(f"SELECT id, {column} FROM {table} WHERE article_id = ?", [article_id]).fetchall():
                    if value and pattern.search(value):
                        conn.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", [mask_text(value, [full_name]), row_id])
        mentions = conn.execute(f"SELECT count(*) FROM mentions WHERE entity_id IN ({marks})", ids).fetchone()[0]
        roles = conn.execute(f"SELECT count(*) FROM roles WHERE person_id IN ({marks})", ids).fetchone()[0]
        participations = conn.execute(
            f"SELECT count(*) FROM event_participants WHERE entity_id IN ({marks})", ids).fetchone()[0]
        conn.execute(f"DELETE FROM entities WHERE id IN ({marks})", ids)  # cascades to the rest
        if not ids and not masked_articles:
            raise PresseError(f"{name}: no such person in the store (nothing to forget)")
        _record(conn, "forget", "PER", full_name, None)
        detail = {
            "name_sha256": hashlib.sha256(_fold(full_name).encode("utf-8")).hexdigest(),
            "entities": len(ids), "mentions": mentions, "roles": roles, "participations": participations,
            "articles_masked": masked_articles,
        }
        _log(conn, "forget", detail)
    return {"action": "forget", **detail}


def list_entities(store, label: str | None = None, name: str | None = None, limit: int = 50) -> list[dict]:
    from .queries import entity_list

    return entity_list(store.conn, label=label, name=name, limit=limit)
