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
  {
    version: 4,
    name: 'services, policies, change requests, risk assessments, deployments and gate decisions',
    sql: `
      CREATE TABLE services (
        name        TEXT PRIMARY KEY,
        criticality INTEGER NOT NULL,
        owners      TEXT NOT NULL,
        description TEXT,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
      );

      -- Policy texts exactly as applied; a version, once stored, is what its hash names forever.
      CREATE TABLE policies (
        version    INTEGER PRIMARY KEY,
        sha256     TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL,
        document   TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
      CREATE TRIGGER policies_no_update BEFORE UPDATE ON policies
        BEGIN SELECT RAISE(ABORT, 'policy versions are write-once'); END;
      CREATE TRIGGER policies_no_delete BEFORE DELETE ON policies
        BEGIN SELECT RAISE(ABORT, 'policy versions are write-once'); END;

      -- Which version applies where, in order: the latest activation for a scope wins.
      CREATE TABLE policy_activations (
        seq            INTEGER PRIMARY KEY,
        scope          TEXT NOT NULL,
        policy_version INTEGER NOT NULL REFERENCES policies (version),
        activated_at   TEXT NOT NULL,
        activated_by   TEXT NOT NULL
      );
      CREATE INDEX policy_activations_by_scope ON policy_activations (scope, seq);
      CREATE TRIGGER policy_activations_no_update BEFORE UPDATE ON policy_activations
        BEGIN SELECT RAISE(ABORT, 'policy activations are append-only'); END;
      CREATE TRIGGER policy_activations_no_delete BEFORE DELETE ON policy_activations
        BEGIN SELECT RAISE(ABORT, 'policy activations are append-only'); END;

      CREATE TABLE changes (
        seq          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        number       INTEGER NOT NULL UNIQUE,
        service      TEXT NOT NULL,
        title        TEXT NOT NULL,
        type         TEXT NOT NULL,
        reason       TEXT NOT NULL,
        requirements TEXT NOT NULL,
        author       TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        created_by   TEXT NOT NULL
      );
      CREATE INDEX changes_by_service ON changes (service, seq);
      CREATE INDEX releases_by_change ON releases (change_id, seq);

      -- Versions of a change's risk assessment: a choice or an edit appends, never overwrites.
      CREATE TABLE risk_assessments (
        change_id   TEXT NOT NULL REFERENCES changes (id),
        version     INTEGER NOT NULL,
        record      TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (change_id, version)
      ) WITHOUT ROWID;
      CREATE TRIGGER risk_assessments_no_update BEFORE UPDATE ON risk_assessments
        BEGIN SELECT RAISE(ABORT, 'risk assessments are append-only'); END;
      CREATE TRIGGER risk_assessments_no_delete BEFORE DELETE ON risk_assessments
        BEGIN SELECT RAISE(ABORT, 'risk assessments are append-only'); END;

      CREATE TABLE deployments (
        seq         INTEGER PRIMARY KEY,
        id          TEXT NOT NULL UNIQUE,
        release_id  TEXT NOT NULL REFERENCES releases (id),
        service     TEXT NOT NULL,
        environment TEXT NOT NULL,
        status      TEXT NOT NULL,
        at          TEXT NOT NULL,
        source      TEXT NOT NULL,
        url         TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT NOT NULL
      );
      CREATE INDEX deployments_by_release ON deployments (release_id, seq);
      CREATE INDEX deployments_by_service ON deployments (service, status);
      CREATE TRIGGER deployments_no_update BEFORE UPDATE ON deployments
        BEGIN SELECT RAISE(ABORT, 'deployment records are immutable'); END;
      CREATE TRIGGER deployments_no_delete BEFORE DELETE ON deployments
        BEGIN SELECT RAISE(ABORT, 'deployment records are immutable'); END;

      CREATE TABLE gate_decisions (
        seq           INTEGER PRIMARY KEY,
        release_id    TEXT NOT NULL REFERENCES releases (id),
        service       TEXT NOT NULL,
        environment   TEXT NOT NULL,
        decision      TEXT NOT NULL,
        decision_hash TEXT NOT NULL,
        policy_sha256 TEXT NOT NULL,
        decided_at    TEXT NOT NULL,
        decided_by    TEXT NOT NULL,
        body          TEXT NOT NULL
      );
      CREATE INDEX gate_decisions_by_release ON gate_decisions (release_id, environment, seq);
      CREATE INDEX gate_decisions_blocked_by_service ON gate_decisions (service, decision, release_id);
      CREATE TRIGGER gate_decisions_no_update BEFORE UPDATE ON gate_decisions
        BEGIN SELECT RAISE(ABORT, 'gate decisions are immutable'); END;
      CREATE TRIGGER gate_decisions_no_delete BEFORE DELETE ON gate_decisions
        BEGIN SELECT RAISE(ABORT, 'gate decisions are immutable'); END;
    `,
  },
  {
    version: 5,
    name: 'user accounts, role grants, sessions, training records; token scope, expiry and revocation',
    sql: `
      ALTER TABLE api_tokens ADD COLUMN services TEXT;   -- JSON list of services, NULL: any
      ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
      ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT;
      ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;

      -- Accounts are disabled, never removed: the audit log and signatures name them.
      CREATE TABLE users (
        id              TEXT PRIMARY KEY,
        username        TEXT NOT NULL UNIQUE,
        full_name       TEXT NOT NULL,
        created_at      TEXT NOT NULL,
        created_by      TEXT NOT NULL,
        disabled_at     TEXT,
        password_hash   TEXT NOT NULL,
        failed_attempts INTEGER NOT NULL DEFAULT 0,
        locked_until    TEXT
      );
      CREATE TRIGGER users_no_delete BEFORE DELETE ON users
        BEGIN SELECT RAISE(ABORT, 'user accounts are disabled, never deleted'); END;

      -- The roles held now; the audit log keeps every grant and revocation.
      CREATE TABLE role_grants (
        user_id    TEXT NOT NULL REFERENCES users (id),
        role       TEXT NOT NULL,
        granted_at TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        PRIMARY KEY (user_id, role)
      ) WITHOUT ROWID;

      CREATE TABLE sessions (
        id         TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id    TEXT NOT NULL REFERENCES users (id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ended_at   TEXT
      );

      CREATE TABLE training_records (
        seq          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        user_id      TEXT NOT NULL REFERENCES users (id),
        course       TEXT NOT NULL,
        version      TEXT NOT NULL,
        completed_on TEXT NOT NULL,
        expires_on   TEXT,
        recorded_at  TEXT NOT NULL,
        recorded_by  TEXT NOT NULL
      );
      CREATE INDEX training_records_by_user ON training_records (user_id, seq);
      CREATE TRIGGER training_records_no_update BEFORE UPDATE ON training_records
        BEGIN SELECT RAISE(ABORT, 'training records are write-once'); END;
      CREATE TRIGGER training_records_no_delete BEFORE DELETE ON training_records
        BEGIN SELECT RAISE(ABORT, 'training records are write-once'); END;
    `,
  },
  {
    version: 6,
    name: 'the background job queue; small evidence blobs inline',
    sql: `
      -- Times are ISO 8601 UTC text from toISOString(), so text order is time order.
      CREATE TABLE jobs (
        seq              INTEGER PRIMARY KEY,
        id               TEXT NOT NULL UNIQUE,
        kind             TEXT NOT NULL,
        dedupe_key       TEXT NOT NULL UNIQUE,
        payload          TEXT NOT NULL,
        state            TEXT NOT NULL
                         CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
        run_at           TEXT NOT NULL,
        attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts     INTEGER NOT NULL CHECK (max_attempts >= 1),
        lease_owner      TEXT,
        lease_expires_at TEXT,
        last_error       TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'failed');
      CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
      CREATE INDEX jobs_by_state ON jobs (state, seq);

      -- Small evidence blobs, content-addressed like blobs/sha256/ and as immutable: stored in
      -- a group commit, they need no file, fsync or rename of their own.
      CREATE TABLE inline_blobs (
        sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),
        size   INTEGER NOT NULL CHECK (size = length(bytes)),
        bytes  BLOB NOT NULL
      ) WITHOUT ROWID;
      CREATE TRIGGER inline_blobs_no_update BEFORE UPDATE ON inline_blobs
        BEGIN SELECT RAISE(ABORT, 'blobs are write-once'); END;
      CREATE TRIGGER inline_blobs_no_delete BEFORE DELETE ON inline_blobs
        BEGIN SELECT RAISE(ABORT, 'blobs are write-once'); END;
    `,
  },
  {
    version: 7,
    name: 'CI context on evidence, releases by commit, webhook deliveries and integrations',
    sql: `
      -- The CI run that submitted the evidence (JSON), set at insert like every other column.
      ALTER TABLE evidence ADD COLUMN ci_context TEXT;

      -- Webhooks name a commit; the releases built from it are looked up by it.
      CREATE INDEX releases_by_commit ON releases (commit_sha, seq);

      -- One row per accepted delivery: a redelivery (same source and id) finds it and changes
      -- nothing. A delivery is a fact about what arrived, so it is never edited or removed.
      CREATE TABLE webhook_deliveries (
        source       TEXT NOT NULL,
        delivery_id  TEXT NOT NULL,
        event        TEXT NOT NULL,
        received_at  TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        detail       TEXT NOT NULL,
        evidence_ids TEXT NOT NULL,
        body_sha256  TEXT NOT NULL,
        PRIMARY KEY (source, delivery_id)
      );
      -- A captured delivery replayed under a new delivery id has the same (signed) body.
      CREATE INDEX webhook_deliveries_by_body ON webhook_deliveries (source, body_sha256);
      CREATE TRIGGER webhook_deliveries_no_update BEFORE UPDATE ON webhook_deliveries
        BEGIN SELECT RAISE(ABORT, 'webhook deliveries are write-once'); END;
      CREATE TRIGGER webhook_deliveries_no_delete BEFORE DELETE ON webhook_deliveries
        BEGIN SELECT RAISE(ABORT, 'webhook deliveries are write-once'); END;

      -- The secret each webhook source signs with. Stored as given: checking an HMAC needs it.
      CREATE TABLE integrations (
        source     TEXT PRIMARY KEY,
        secret     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
    `,
  },
  {
    version: 9,
    name: 'release list filters and dashboard read models',
    sql: `
      -- The effective risk class of a change's latest assessment, kept as assessments are
      -- appended, so the release list filters on it without reading assessment documents.
      ALTER TABLE changes ADD COLUMN risk_class TEXT;
      UPDATE changes SET risk_class = (
        SELECT COALESCE(json_extract(a.record, '$.chosenClass'),
                        json_extract(a.record, '$.assessment.baselineClass'))
        FROM risk_assessments a WHERE a.change_id = changes.id ORDER BY a.version DESC LIMIT 1);

      -- The latest recorded gate decision per release and environment, replaced as decisions
      -- are recorded (gate_decisions keeps every one): what the list filter and the evidence
      -- dashboards read. The release's creation time is copied (it never changes) so a period
      -- is one index range.
      CREATE TABLE gate_latest (
        release_id         TEXT NOT NULL REFERENCES releases (id),
        environment        TEXT NOT NULL,
        service            TEXT NOT NULL,
        decision           TEXT NOT NULL,
        decision_seq       INTEGER NOT NULL,
        decided_at         TEXT NOT NULL,
        release_created_at TEXT NOT NULL,
        missing_count      INTEGER NOT NULL,
        PRIMARY KEY (release_id, environment)
      ) WITHOUT ROWID;
      CREATE INDEX gate_latest_by_environment ON gate_latest (environment, decision, release_id);

      -- The evidence kinds each latest decision found missing.
      CREATE TABLE gate_latest_missing (
        release_id         TEXT NOT NULL,
        environment        TEXT NOT NULL,
        kind               TEXT NOT NULL,
        service            TEXT NOT NULL,
        release_created_at TEXT NOT NULL,
        PRIMARY KEY (release_id, environment, kind)
      ) WITHOUT ROWID;

      INSERT INTO gate_latest (release_id, environment, service, decision, decision_seq,
          decided_at, release_created_at, missing_count)
        SELECT g.release_id, g.environment, g.service, g.decision, g.seq, g.decided_at,
          r.created_at,
          (SELECT COUNT(*) FROM json_each(g.body, '$.outcomes') o
            WHERE json_extract(o.value, '$.requirement') = 'evidence'
              AND json_extract(o.value, '$.status') = 'missing-evidence')
        FROM gate_decisions g JOIN releases r ON r.id = g.release_id
        WHERE g.seq = (SELECT MAX(h.seq) FROM gate_decisions h
                       WHERE h.release_id = g.release_id AND h.environment = g.environment);
      INSERT OR IGNORE INTO gate_latest_missing (release_id, environment, kind, service,
          release_created_at)
        SELECT l.release_id, l.environment,
          substr(json_extract(o.value, '$.id'), length('evidence:') + 1), l.service,
          l.release_created_at
        FROM gate_latest l JOIN gate_decisions g ON g.seq = l.decision_seq,
          json_each(g.body, '$.outcomes') o
        WHERE json_extract(o.value, '$.requirement') = 'evidence'
          AND json_extract(o.value, '$.status') = 'missing-evidence';

      -- Daily counters the dashboards read (kept by store/dashboard-upkeep.ts on each write),
      -- so a year of 100,000 releases is a few hundred rows. '' is the unassessed risk class.
      CREATE TABLE release_days (
        day        TEXT NOT NULL,
        risk_class TEXT NOT NULL,
        releases   INTEGER NOT NULL,
        PRIMARY KEY (day, risk_class)
      ) WITHOUT ROWID;
      INSERT INTO release_days (day, risk_class, releases)
        SELECT substr(r.created_at, 1, 10), COALESCE(c.risk_class, ''), COUNT(*)
        FROM releases r LEFT JOIN changes c ON c.id = r.change_id GROUP BY 1, 2;

      -- Releases with a latest gate decision somewhere, and those missing evidence in one.
      CREATE TABLE evidence_days (
        day        TEXT NOT NULL,
        service    TEXT NOT NULL,
        decided    INTEGER NOT NULL,
        incomplete INTEGER NOT NULL,
        PRIMARY KEY (day, service)
      ) WITHOUT ROWID;
      INSERT INTO evidence_days (day, service, decided, incomplete)
        SELECT day, service, COUNT(*), SUM(incomplete) FROM (
          SELECT substr(MAX(release_created_at), 1, 10) AS day, MAX(service) AS service,
            MAX(missing_count > 0) AS incomplete
          FROM gate_latest GROUP BY release_id)
        GROUP BY day, service;

      CREATE TABLE missing_days (
        day      TEXT NOT NULL,
        service  TEXT NOT NULL,
        kind     TEXT NOT NULL,
        releases INTEGER NOT NULL,
        PRIMARY KEY (day, service, kind)
      ) WITHOUT ROWID;
      INSERT INTO missing_days (day, service, kind, releases)
        SELECT substr(release_created_at, 1, 10), service, kind, COUNT(DISTINCT release_id)
        FROM gate_latest_missing GROUP BY 1, 2, 3;

      CREATE TABLE deployment_days (
        environment TEXT NOT NULL,
        day         TEXT NOT NULL,
        status      TEXT NOT NULL,
        deployments INTEGER NOT NULL,
        PRIMARY KEY (environment, day, status)
      ) WITHOUT ROWID;
      INSERT INTO deployment_days (environment, day, status, deployments)
        SELECT environment, substr(at, 1, 10), status, COUNT(*) FROM deployments GROUP BY 1, 2, 3;

      -- Each release's earliest successful deployment per environment: its lead time.
      CREATE TABLE first_successes (
        release_id  TEXT NOT NULL,
        environment TEXT NOT NULL,
        at          TEXT NOT NULL,
        day         TEXT NOT NULL,
        seconds     REAL NOT NULL,
        PRIMARY KEY (release_id, environment)
      ) WITHOUT ROWID;
      INSERT INTO first_successes (release_id, environment, at, day, seconds)
        SELECT f.release_id, f.environment, f.at, substr(f.at, 1, 10),
          unixepoch(f.at, 'subsec') - unixepoch(r.created_at, 'subsec')
        FROM (SELECT release_id, environment, MIN(at) AS at FROM deployments
              WHERE status = 'succeeded' GROUP BY release_id, environment) f
        JOIN releases r ON r.id = f.release_id;

      -- Lead times counted per day and 5% duration bin (core/dashboard/time-bins.ts).
      CREATE TABLE lead_time_days (
        environment TEXT NOT NULL,
        day         TEXT NOT NULL,
        bin         INTEGER NOT NULL,
        releases    INTEGER NOT NULL,
        PRIMARY KEY (environment, day, bin)
      ) WITHOUT ROWID;
      INSERT INTO lead_time_days (environment, day, bin, releases)
        SELECT environment, day,
          CASE WHEN seconds < 1 THEN 0 ELSE 1 + CAST(round(ln(seconds) / ln(1.05)) AS INTEGER) END,
          COUNT(*)
        FROM first_successes GROUP BY 1, 2, 3;

      -- Each failed or rolled-back deployment and when the service's next success restored it.
      CREATE TABLE restores (
        deployment_id TEXT PRIMARY KEY,
        environment   TEXT NOT NULL,
        service       TEXT NOT NULL,
        failed_at     TEXT NOT NULL,
        day           TEXT NOT NULL,
        restored_at   TEXT,
        seconds       REAL
      ) WITHOUT ROWID;
      CREATE INDEX restores_by_day ON restores (environment, day, seconds);
      CREATE INDEX restores_pending ON restores (service, environment, failed_at);
      INSERT INTO restores (deployment_id, environment, service, failed_at, day, restored_at,
          seconds)
        SELECT id, environment, service, at, substr(at, 1, 10), next_success,
          unixepoch(next_success, 'subsec') - unixepoch(at, 'subsec')
        FROM (SELECT d.*, (SELECT MIN(e.at) FROM deployments e WHERE e.service = d.service
                AND e.environment = d.environment AND e.status = 'succeeded' AND e.at > d.at)
                AS next_success
              FROM deployments d WHERE d.status IN ('failed', 'rolled-back'));

      -- List sorts, and the restore-time reads (failures, then the next success).
      CREATE INDEX releases_by_tag_seq ON releases (tag, seq);
      CREATE INDEX releases_by_evidence_count ON releases (evidence_count, seq);
      CREATE INDEX deployments_next_success ON deployments (service, environment, status, at);
    `,
  },
  {
    version: 10,
    name: 'signatures, condition fulfilments, exceptions and delegations',
    sql: `
      -- Electronic signatures: never edited or deleted; a withdrawal is another row.
      CREATE TABLE signatures (
        seq          INTEGER PRIMARY KEY,
        id           TEXT NOT NULL UNIQUE,
        release_id   TEXT NOT NULL REFERENCES releases (id),
        kind         TEXT NOT NULL,
        role         TEXT NOT NULL,
        signer       TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        withdraws    TEXT,
        record       TEXT NOT NULL,
        signed_at    TEXT NOT NULL
      );
      CREATE INDEX signatures_by_release ON signatures (release_id, seq);
      -- One withdrawal per approval.
      CREATE UNIQUE INDEX signatures_one_withdrawal ON signatures (withdraws)
        WHERE withdraws IS NOT NULL;
      CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are never edited'); END;
      CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
        BEGIN SELECT RAISE(ABORT, 'signatures are never deleted'); END;

      CREATE TABLE condition_fulfilments (
        signature_id TEXT PRIMARY KEY REFERENCES signatures (id),
        evidence_id  TEXT NOT NULL,
        met_at       TEXT NOT NULL,
        met_by       TEXT NOT NULL
      );
      CREATE TRIGGER condition_fulfilments_no_update BEFORE UPDATE ON condition_fulfilments
        BEGIN SELECT RAISE(ABORT, 'condition fulfilments are write-once'); END;
      CREATE TRIGGER condition_fulfilments_no_delete BEFORE DELETE ON condition_fulfilments
        BEGIN SELECT RAISE(ABORT, 'condition fulfilments are write-once'); END;

      CREATE TABLE exceptions (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        release_id TEXT,
        service    TEXT,
        rule_id    TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        record     TEXT NOT NULL
      );
      CREATE INDEX exceptions_by_release ON exceptions (release_id);
      CREATE INDEX exceptions_by_service ON exceptions (service);
      CREATE TRIGGER exceptions_no_update BEFORE UPDATE ON exceptions
        BEGIN SELECT RAISE(ABORT, 'exception requests are never edited'); END;
      CREATE TRIGGER exceptions_no_delete BEFORE DELETE ON exceptions
        BEGIN SELECT RAISE(ABORT, 'exception requests are never deleted'); END;

      -- An approval is its own row, so the request stays as it was asked for.
      CREATE TABLE exception_approvals (
        exception_id TEXT PRIMARY KEY REFERENCES exceptions (id),
        approved_by  TEXT NOT NULL,
        role         TEXT NOT NULL,
        approved_at  TEXT NOT NULL
      );
      CREATE TRIGGER exception_approvals_no_update BEFORE UPDATE ON exception_approvals
        BEGIN SELECT RAISE(ABORT, 'exception approvals are write-once'); END;
      CREATE TRIGGER exception_approvals_no_delete BEFORE DELETE ON exception_approvals
        BEGIN SELECT RAISE(ABORT, 'exception approvals are write-once'); END;

      -- Backup approvers: who may sign for whom, in which role, in which window.
      CREATE TABLE delegations (
        seq       INTEGER PRIMARY KEY,
        id        TEXT NOT NULL UNIQUE,
        delegator TEXT NOT NULL,
        delegate  TEXT NOT NULL,
        record    TEXT NOT NULL
      );
      CREATE INDEX delegations_by_delegate ON delegations (delegate, seq);
      CREATE TRIGGER delegations_no_update BEFORE UPDATE ON delegations
        BEGIN SELECT RAISE(ABORT, 'delegations are write-once'); END;
      CREATE TRIGGER delegations_no_delete BEFORE DELETE ON delegations
        BEGIN SELECT RAISE(ABORT, 'delegations are write-once'); END;
    `,
  },
  {
    version: 11,
    name: 'outbound webhook subscriptions',
    sql: `
      -- Receivers of release events. The secret signs each body, so it is kept as given (like
      -- inbound webhook secrets); protect the database and its backups.
      CREATE TABLE outbound_webhooks (
        seq        INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        url        TEXT NOT NULL,
        secret     TEXT NOT NULL,
        events     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
    `,
  },
  {
    version: 12,
    name: 'roles each latest gate decision waits for (the "pending my approval" filter)',
    sql: `
      -- One row per role a release's latest decision in an environment waits for; since is when
      -- a decision first asked for it (kept while later decisions still ask).
      CREATE TABLE gate_latest_pending (
        release_id  TEXT NOT NULL,
        environment TEXT NOT NULL,
        role        TEXT NOT NULL,
        service     TEXT NOT NULL,
        since       TEXT NOT NULL,
        PRIMARY KEY (release_id, environment, role)
      ) WITHOUT ROWID;
      CREATE INDEX gate_latest_pending_by_role ON gate_latest_pending (role, release_id);
      INSERT OR IGNORE INTO gate_latest_pending (release_id, environment, role, service, since)
        SELECT l.release_id, l.environment,
          substr(json_extract(o.value, '$.id'), length('approval:') + 1), l.service, l.decided_at
        FROM gate_latest l JOIN gate_decisions g ON g.seq = l.decision_seq,
          json_each(g.body, '$.outcomes') o
        WHERE json_extract(o.value, '$.requirement') = 'approval'
          AND json_extract(o.value, '$.status') = 'pending-approval';
    `,
  },
  {
    version: 13,
    name: 'approval waits and approval cycle times (dashboards)',
    sql: `
      -- One row per release and role while some latest gate decision of the release waits for
      -- that role's approval: since is when a decision first asked for it (dashboard-upkeep.ts).
      CREATE TABLE approval_waits (
        release_id         TEXT NOT NULL,
        role               TEXT NOT NULL,
        since              TEXT NOT NULL,
        release_created_at TEXT NOT NULL,
        PRIMARY KEY (release_id, role)
      ) WITHOUT ROWID;
      CREATE INDEX approval_waits_by_created ON approval_waits (release_created_at, role, since);
      INSERT INTO approval_waits (release_id, role, since, release_created_at)
        SELECT p.release_id, p.role, MIN(p.since), MIN(r.created_at)
        FROM gate_latest_pending p JOIN releases r ON r.id = p.release_id
        GROUP BY p.release_id, p.role;
      -- Completed waits, counted on the day of the signature that ended them, per role, the
      -- change's risk class then ('' when unassessed) and 5% duration bin (core/dashboard/time-bins.ts).
      CREATE TABLE approval_cycle_days (
        day        TEXT NOT NULL,
        role       TEXT NOT NULL,
        risk_class TEXT NOT NULL,
        bin        INTEGER NOT NULL,
        approvals  INTEGER NOT NULL,
        PRIMARY KEY (day, role, risk_class, bin)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 16,
    name: 'audit entries stored as the canonical text their leaf hashes cover',
    sql: `
      -- The entry is its canonical JSON text: exactly the bytes its Merkle leaf covers, so log
      -- verification reads and hashes what is stored, with nothing rebuilt from columns. The
      -- columns queries read are computed from that text; none can be changed apart from it.
      -- STRICT keeps every text TEXT (a blob of the same bytes is refused).
      CREATE TABLE audit_log_texts (
        seq       INTEGER PRIMARY KEY,
        leaf      TEXT NOT NULL,
        leaf_hash TEXT NOT NULL,
        time      TEXT GENERATED ALWAYS AS (leaf ->> '$.time') VIRTUAL,
        actor     TEXT GENERATED ALWAYS AS (leaf ->> '$.actor') VIRTUAL,
        action    TEXT GENERATED ALWAYS AS (leaf ->> '$.action') VIRTUAL,
        subject   TEXT GENERATED ALWAYS AS (leaf ->> '$.subject') VIRTUAL,
        details   TEXT GENERATED ALWAYS AS (leaf -> '$.details') VIRTUAL
      ) STRICT;
      -- The same text the leaf hashes were computed over (RFC 8785 member order; json_quote
      -- escapes as JSON.stringify does; details were stored canonical). CAST keeps the bytes of
      -- a column someone rewrote as a blob; a changed entry still fails verification.
      INSERT INTO audit_log_texts (seq, leaf, leaf_hash)
        SELECT seq, concat('{"action":', json_quote(CAST(action AS TEXT)),
          ',"actor":', json_quote(CAST(actor AS TEXT)), ',"details":', CAST(details AS TEXT),
          ',"seq":', seq, ',"subject":', json_quote(CAST(subject AS TEXT)),
          ',"time":', json_quote(CAST(time AS TEXT)), '}'), CAST(leaf_hash AS TEXT)
        FROM audit_log ORDER BY seq;
      DROP TABLE audit_log;
      ALTER TABLE audit_log_texts RENAME TO audit_log;
      CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    `,
  },
  {
    version: 17,
    name: 'approval cycle times per month (long dashboard periods)',
    sql: `
      -- The same approval cycles summed per calendar month, once by role and once by risk
      -- class: a long period reads its whole months here and only its ragged edges from
      -- approval_cycle_days (a year was 44,000 daily rows, 120 ms at p99).
      CREATE TABLE approval_cycle_role_months (
        month     TEXT NOT NULL,
        role      TEXT NOT NULL,
        bin       INTEGER NOT NULL,
        approvals INTEGER NOT NULL,
        PRIMARY KEY (month, role, bin)
      ) WITHOUT ROWID;
      CREATE TABLE approval_cycle_class_months (
        month      TEXT NOT NULL,
        risk_class TEXT NOT NULL,
        bin        INTEGER NOT NULL,
        approvals  INTEGER NOT NULL,
        PRIMARY KEY (month, risk_class, bin)
      ) WITHOUT ROWID;
      INSERT INTO approval_cycle_role_months (month, role, bin, approvals)
        SELECT substr(day, 1, 7), role, bin, SUM(approvals) FROM approval_cycle_days
        GROUP BY substr(day, 1, 7), role, bin;
      INSERT INTO approval_cycle_class_months (month, risk_class, bin, approvals)
        SELECT substr(day, 1, 7), risk_class, bin, SUM(approvals) FROM approval_cycle_days
        GROUP BY substr(day, 1, 7), risk_class, bin;
    `,
  },
];
