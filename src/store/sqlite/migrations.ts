/**
 * Forward-only schema migrations for the SQLite store. A migration, once released, is never
 * edited: a change to the schema is a new entry at the end of this list.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'releases, evidence, tokens and the audit log',
    sql: `
      CREATE TABLE releases (
        seq            INTEGER PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        tag            TEXT NOT NULL UNIQUE,
        service        TEXT NOT NULL,
        version        TEXT NOT NULL,
        commit_sha     TEXT NOT NULL,
        change_id      TEXT,
        artifacts      TEXT NOT NULL,
        state          TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        created_by     TEXT NOT NULL,
        evidence_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX releases_by_service ON releases (service, seq);

      CREATE TABLE evidence (
        seq          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        release_id   TEXT NOT NULL REFERENCES releases (id),
        kind         TEXT NOT NULL,
        name         TEXT NOT NULL,
        size         INTEGER NOT NULL,
        sha256       TEXT NOT NULL,
        media_type   TEXT NOT NULL,
        format       TEXT,
        summary      TEXT,
        submitted_by TEXT NOT NULL,
        submitted_at TEXT NOT NULL,
        UNIQUE (release_id, kind, sha256)
      );
      CREATE INDEX evidence_by_sha256 ON evidence (sha256);

      -- Evidence records are facts about what was submitted: they are never edited or removed.
      CREATE TRIGGER evidence_no_update BEFORE UPDATE ON evidence
        BEGIN SELECT RAISE(ABORT, 'evidence records are immutable'); END;
      CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence
        BEGIN SELECT RAISE(ABORT, 'evidence records are immutable'); END;

      CREATE TABLE api_tokens (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL UNIQUE,
        token_hash TEXT NOT NULL UNIQUE,
        roles      TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );

      CREATE TABLE audit_log (
        seq       INTEGER PRIMARY KEY,
        time      TEXT NOT NULL,
        actor     TEXT NOT NULL,
        action    TEXT NOT NULL,
        subject   TEXT NOT NULL,
        details   TEXT NOT NULL,
        leaf_hash TEXT NOT NULL
      );
      CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);

      -- The log is append-only; its Merkle tree depends on every earlier entry staying as it was.
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 2,
    name: 'Merkle subtree hashes and signed checkpoints of the audit log',
    sql: `
      -- Hash of every complete perfect subtree of the log: (level, index) covers leaves
      -- [index * 2^level, (index + 1) * 2^level). Written on append; proofs read O(log n) rows.
      CREATE TABLE merkle_nodes (
        level INTEGER NOT NULL,
        idx   INTEGER NOT NULL,
        hash  BLOB NOT NULL,
        PRIMARY KEY (level, idx)
      ) WITHOUT ROWID;
      CREATE TRIGGER merkle_nodes_no_update BEFORE UPDATE ON merkle_nodes
        BEGIN SELECT RAISE(ABORT, 'Merkle nodes are write-once'); END;
      CREATE TRIGGER merkle_nodes_no_delete BEFORE DELETE ON merkle_nodes
        BEGIN SELECT RAISE(ABORT, 'Merkle nodes are write-once'); END;

      CREATE TABLE checkpoints (
        size      INTEGER PRIMARY KEY,
        root_hash BLOB NOT NULL,
        time      TEXT NOT NULL,
        key_name  TEXT NOT NULL,
        note      TEXT NOT NULL
      );
      CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are write-once'); END;
      CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
        BEGIN SELECT RAISE(ABORT, 'checkpoints are write-once'); END;
    `,
  },
  {
    version: 3,
    name: 'the log signing keys recorded with the log',
    sql: `
      -- Which origin and keys sign this log's checkpoints. An instance whose key directory does
      -- not match is refused at start instead of signing for a log that is not its own.
      CREATE TABLE log_keys (
        name         TEXT PRIMARY KEY,
        origin       TEXT NOT NULL,
        verifier_key TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );
      CREATE TRIGGER log_keys_no_update BEFORE UPDATE ON log_keys
        BEGIN SELECT RAISE(ABORT, 'log keys are write-once'); END;
      CREATE TRIGGER log_keys_no_delete BEFORE DELETE ON log_keys
        BEGIN SELECT RAISE(ABORT, 'log keys are write-once'); END;
    `,
  },
];
