/**
 * Forward-only schema migrations for the PostgreSQL store. A migration, once released, is never
 * edited: a change to the schema is a new entry at the end of this list. Statements are
 * unqualified; they run with `search_path` set to the store's schema.
 *
 * The tables mirror the SQLite schema (its migrations 1 and 2), with these PostgreSQL choices:
 * - Times stay `text`, exactly as given: audit and checkpoint times are covered by hashes and
 *   signatures, so they must come back byte for byte, not reformatted by `timestamptz`.
 * - JSON documents are `json`, not `jsonb`: `json` keeps the text as written (audit details are
 *   stored in their canonical form) and accepts `\u0000` in strings, which `jsonb` refuses.
 * - Immutability triggers are statement-level and also fire on TRUNCATE, which SQLite lacks.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'releases, evidence, tokens and the audit log',
    sql: `
      -- Raises the message given as the trigger's argument: the table refuses the change.
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
      END
      $$;

      CREATE TABLE releases (
        seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id             text NOT NULL CONSTRAINT releases_id_unique UNIQUE,
        tag            text NOT NULL CONSTRAINT releases_tag_unique UNIQUE,
        service        text NOT NULL,
        version        text NOT NULL,
        commit_sha     text NOT NULL,
        change_id      text,
        artifacts      text[] NOT NULL,
        state          text NOT NULL,
        created_at     text NOT NULL,
        created_by     text NOT NULL,
        evidence_count integer NOT NULL DEFAULT 0
      );
      CREATE INDEX releases_by_service ON releases (service, seq);

      CREATE TABLE evidence (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id           text NOT NULL CONSTRAINT evidence_id_unique UNIQUE,
        release_id   text NOT NULL REFERENCES releases (id),
        kind         text NOT NULL,
        name         text NOT NULL,
        size         bigint NOT NULL,
        sha256       text NOT NULL,
        media_type   text NOT NULL,
        format       text,
        summary      json,
        submitted_by text NOT NULL,
        submitted_at text NOT NULL,
        CONSTRAINT evidence_release_kind_sha256_unique UNIQUE (release_id, kind, sha256)
      );
      CREATE INDEX evidence_by_sha256 ON evidence (sha256);

      -- Evidence records are facts about what was submitted: they are never edited or removed.
      CREATE TRIGGER evidence_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON evidence
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('evidence records are immutable');

      CREATE TABLE api_tokens (
        id         text PRIMARY KEY,
        name       text NOT NULL CONSTRAINT api_tokens_name_unique UNIQUE,
        token_hash text NOT NULL CONSTRAINT api_tokens_token_hash_unique UNIQUE,
        roles      text[] NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL
      );

      CREATE TABLE audit_log (
        seq       bigint PRIMARY KEY CHECK (seq >= 0),
        time      text NOT NULL,
        actor     text NOT NULL,
        action    text NOT NULL,
        subject   text NOT NULL,
        details   json NOT NULL,
        leaf_hash text NOT NULL
      );
      CREATE INDEX audit_log_by_subject ON audit_log (subject, seq);

      -- The log is append-only; its Merkle tree depends on every earlier entry staying as it was.
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit log is append-only');
    `,
  },
  {
    version: 2,
    name: 'Merkle subtree hashes and signed checkpoints of the audit log',
    sql: `
      -- Hash of every complete perfect subtree of the log: (level, index) covers leaves
      -- [index * 2^level, (index + 1) * 2^level). Written on append; proofs read O(log n) rows.
      CREATE TABLE merkle_nodes (
        level integer NOT NULL CHECK (level >= 0),
        idx   bigint NOT NULL CHECK (idx >= 0),
        hash  bytea NOT NULL,
        PRIMARY KEY (level, idx)
      );
      CREATE TRIGGER merkle_nodes_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON merkle_nodes
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('Merkle nodes are write-once');

      CREATE TABLE checkpoints (
        size      bigint PRIMARY KEY,
        root_hash bytea NOT NULL,
        time      text NOT NULL,
        key_name  text NOT NULL,
        note      text NOT NULL
      );
      CREATE TRIGGER checkpoints_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('checkpoints are write-once');
    `,
  },
  {
    version: 3,
    name: 'content-addressed blobs in 1 MiB chunks',
    sql: `
      -- Bytes live in chunks grouped under a content id. An upload writes its chunks under a
      -- fresh content id with a row in blob_staging; committing adds the blobs row that names
      -- that content by its digest. Chunks are never copied: the blobs row is the whole commit.
      CREATE TABLE blob_staging (
        content_id uuid PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE blob_chunks (
        content_id uuid NOT NULL,
        idx        integer NOT NULL CHECK (idx >= 0),
        data       bytea NOT NULL,
        PRIMARY KEY (content_id, idx)
      );

      CREATE TABLE blobs (
        sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        content_id  uuid NOT NULL CONSTRAINT blobs_content_id_unique UNIQUE,
        size        bigint NOT NULL CHECK (size >= 0),
        chunk_count integer NOT NULL CHECK (chunk_count >= 0),
        created_at  timestamptz NOT NULL DEFAULT now()
      );
      -- A blob is written once under its digest and never rewritten.
      CREATE TRIGGER blobs_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON blobs
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('blobs are write-once');

      -- Staged chunks may be removed (a discarded upload); chunks of a committed blob may not.
      -- The blob store may run over a pool with another search_path: pin the function's own.
      CREATE FUNCTION refuse_committed_chunk_change() RETURNS trigger LANGUAGE plpgsql
        SET search_path FROM CURRENT AS $$
      BEGIN
        IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM blobs WHERE content_id = OLD.content_id) THEN
          RAISE EXCEPTION 'blobs are write-once' USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
      END
      $$;
      CREATE TRIGGER blob_chunks_write_once BEFORE UPDATE OR DELETE ON blob_chunks
        FOR EACH ROW EXECUTE FUNCTION refuse_committed_chunk_change();
      CREATE TRIGGER blob_chunks_no_truncate BEFORE TRUNCATE ON blob_chunks
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('blobs are write-once');
    `,
  },
  {
    version: 4,
    name: 'the log signing keys recorded with the log',
    sql: `
      -- Which origin and keys sign this log's checkpoints. An instance whose key directory does
      -- not match is refused at start instead of signing for a log that is not its own.
      CREATE TABLE log_keys (
        name         text PRIMARY KEY,
        origin       text NOT NULL,
        verifier_key text NOT NULL,
        created_at   text NOT NULL
      );
      CREATE TRIGGER log_keys_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON log_keys
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('log keys are write-once');
    `,
  },
  {
    version: 5,
    name: 'services, policies, change requests, risk assessments, deployments and gate decisions',
    sql: `
      CREATE TABLE services (
        name        text PRIMARY KEY,
        criticality integer NOT NULL,
        owners      text[] NOT NULL,
        description text,
        updated_at  text NOT NULL,
        updated_by  text NOT NULL
      );

      -- Policy texts exactly as applied; a version, once stored, is what its hash names forever.
      CREATE TABLE policies (
        version    bigint PRIMARY KEY,
        sha256     text NOT NULL CONSTRAINT policies_sha256_unique UNIQUE,
        name       text NOT NULL,
        document   text NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL
      );
      CREATE TRIGGER policies_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON policies
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('policy versions are write-once');

      -- Which version applies where, in order: the latest activation for a scope wins.
      CREATE TABLE policy_activations (
        seq            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        scope          text NOT NULL,
        policy_version bigint NOT NULL REFERENCES policies (version),
        activated_at   text NOT NULL,
        activated_by   text NOT NULL
      );
      CREATE INDEX policy_activations_by_scope ON policy_activations (scope, seq);
      CREATE TRIGGER policy_activations_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON policy_activations
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('policy activations are append-only');

      CREATE TABLE changes (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id           text NOT NULL CONSTRAINT changes_id_unique UNIQUE,
        number       bigint NOT NULL CONSTRAINT changes_number_unique UNIQUE,
        service      text NOT NULL,
        title        text NOT NULL,
        type         text NOT NULL,
        reason       text NOT NULL,
        requirements text[] NOT NULL,
        author       text NOT NULL,
        created_at   text NOT NULL,
        created_by   text NOT NULL
      );
      CREATE INDEX changes_by_service ON changes (service, seq);
      CREATE INDEX releases_by_change ON releases (change_id, seq);

      -- Versions of a change's risk assessment: a choice or an edit appends, never overwrites.
      CREATE TABLE risk_assessments (
        change_id   text NOT NULL REFERENCES changes (id),
        version     integer NOT NULL,
        record      json NOT NULL,
        recorded_at text NOT NULL,
        recorded_by text NOT NULL,
        CONSTRAINT risk_assessments_version_unique PRIMARY KEY (change_id, version)
      );
      CREATE TRIGGER risk_assessments_append_only
        BEFORE UPDATE OR DELETE OR TRUNCATE ON risk_assessments
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('risk assessments are append-only');

      CREATE TABLE deployments (
        seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id          text NOT NULL CONSTRAINT deployments_id_unique UNIQUE,
        release_id  text NOT NULL REFERENCES releases (id),
        service     text NOT NULL,
        environment text NOT NULL,
        status      text NOT NULL,
        at          text NOT NULL,
        source      text NOT NULL,
        url         text,
        recorded_at text NOT NULL,
        recorded_by text NOT NULL
      );
      CREATE INDEX deployments_by_release ON deployments (release_id, seq);
      CREATE INDEX deployments_by_service ON deployments (service, status);
      CREATE TRIGGER deployments_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON deployments
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('deployment records are immutable');

      CREATE TABLE gate_decisions (
        seq           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        release_id    text NOT NULL REFERENCES releases (id),
        service       text NOT NULL,
        environment   text NOT NULL,
        decision      text NOT NULL,
        decision_hash text NOT NULL,
        policy_sha256 text NOT NULL,
        decided_at    text NOT NULL,
        decided_by    text NOT NULL,
        body          json NOT NULL
      );
      CREATE INDEX gate_decisions_by_release ON gate_decisions (release_id, environment, seq);
      CREATE INDEX gate_decisions_blocked_by_service
        ON gate_decisions (service, decision, release_id);
      CREATE TRIGGER gate_decisions_immutable
        BEFORE UPDATE OR DELETE OR TRUNCATE ON gate_decisions
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('gate decisions are immutable');
    `,
  },
  {
    version: 6,
    name: 'user accounts, role grants, sessions, training records; token scope, expiry and revocation',
    sql: `
      ALTER TABLE api_tokens
        ADD COLUMN services   text[],
        ADD COLUMN expires_at text,
        ADD COLUMN revoked_at text,
        ADD COLUMN revoked_by text;

      -- Accounts are disabled, never removed: the audit log and signatures name them.
      CREATE TABLE users (
        id              text PRIMARY KEY,
        username        text NOT NULL CONSTRAINT users_username_unique UNIQUE,
        full_name       text NOT NULL,
        created_at      text NOT NULL,
        created_by      text NOT NULL,
        disabled_at     text,
        password_hash   text NOT NULL,
        failed_attempts integer NOT NULL DEFAULT 0,
        locked_until    text
      );
      CREATE TRIGGER users_no_delete BEFORE DELETE OR TRUNCATE ON users
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('user accounts are disabled, never deleted');

      -- The roles held now; the audit log keeps every grant and revocation.
      CREATE TABLE role_grants (
        user_id    text NOT NULL REFERENCES users (id),
        role       text NOT NULL,
        granted_at text NOT NULL,
        granted_by text NOT NULL,
        PRIMARY KEY (user_id, role)
      );

      CREATE TABLE sessions (
        id         text PRIMARY KEY,
        token_hash text NOT NULL CONSTRAINT sessions_token_hash_unique UNIQUE,
        user_id    text NOT NULL REFERENCES users (id),
        created_at text NOT NULL,
        expires_at text NOT NULL,
        ended_at   text
      );

      CREATE TABLE training_records (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id           text NOT NULL CONSTRAINT training_records_id_unique UNIQUE,
        user_id      text NOT NULL REFERENCES users (id),
        course       text NOT NULL,
        version      text NOT NULL,
        completed_on text NOT NULL,
        expires_on   text,
        recorded_at  text NOT NULL,
        recorded_by  text NOT NULL
      );
      CREATE INDEX training_records_by_user ON training_records (user_id, seq);
      CREATE TRIGGER training_records_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON training_records
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('training records are write-once');
    `,
  },
  {
    version: 7,
    name: 'the background job queue',
    sql: `
      -- Unlike audit times, job times are compared, never signed: timestamptz, not text.
      CREATE TABLE jobs (
        seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id               text NOT NULL CONSTRAINT jobs_id_unique UNIQUE,
        kind             text NOT NULL,
        dedupe_key       text NOT NULL CONSTRAINT jobs_dedupe_key_unique UNIQUE,
        payload          jsonb NOT NULL,
        state            text NOT NULL
                         CHECK (state IN ('queued', 'running', 'done', 'failed', 'dead')),
        run_at           timestamptz NOT NULL,
        attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts     integer NOT NULL CHECK (max_attempts >= 1),
        lease_owner      text,
        lease_expires_at timestamptz,
        last_error       text,
        created_at       timestamptz NOT NULL,
        updated_at       timestamptz NOT NULL
      );
      CREATE INDEX jobs_due ON jobs (run_at) WHERE state IN ('queued', 'failed');
      CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'running';
      CREATE INDEX jobs_by_state ON jobs (state, seq);
    `,
  },
  {
    version: 8,
    name: 'CI context on evidence, releases by commit and artifact, webhook deliveries and integrations',
    sql: `
      -- The CI run that submitted the evidence, set at insert like every other column.
      ALTER TABLE evidence ADD COLUMN ci_context json;

      -- Webhooks name a commit or an artifact digest; the releases built from it are looked up.
      CREATE INDEX releases_by_commit ON releases (commit_sha, seq);
      CREATE INDEX releases_by_artifact ON releases USING gin (artifacts);

      -- One row per accepted delivery: a redelivery (same source and id) finds it and changes
      -- nothing. A delivery is a fact about what arrived, so it is never edited or removed.
      CREATE TABLE webhook_deliveries (
        source       text NOT NULL,
        delivery_id  text NOT NULL,
        event        text NOT NULL,
        received_at  text NOT NULL,
        outcome      text NOT NULL,
        detail       text NOT NULL,
        evidence_ids text[] NOT NULL,
        body_sha256  text NOT NULL,
        CONSTRAINT webhook_deliveries_pkey PRIMARY KEY (source, delivery_id)
      );
      -- A captured delivery replayed under a new delivery id has the same (signed) body.
      CREATE INDEX webhook_deliveries_by_body ON webhook_deliveries (source, body_sha256);
      CREATE TRIGGER webhook_deliveries_write_once
        BEFORE UPDATE OR DELETE OR TRUNCATE ON webhook_deliveries
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('webhook deliveries are write-once');

      -- The secret each webhook source signs with. Stored as given: checking an HMAC needs it.
      CREATE TABLE integrations (
        source     text PRIMARY KEY,
        secret     text NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL
      );
    `,
  },
  {
    version: 10,
    name: 'release list filters and dashboard read models',
    sql: `
      -- The effective risk class of a change's latest assessment, kept as assessments are
      -- appended, so the release list filters on it without reading assessment documents.
      ALTER TABLE changes ADD COLUMN risk_class text;
      UPDATE changes SET risk_class = (
        SELECT COALESCE(a.record ->> 'chosenClass', a.record -> 'assessment' ->> 'baselineClass')
        FROM risk_assessments a WHERE a.change_id = changes.id ORDER BY a.version DESC LIMIT 1);

      -- The latest recorded gate decision per release and environment, replaced as decisions
      -- are recorded (gate_decisions keeps every one): what the list filter and the evidence
      -- dashboards read. The release's creation time is copied (it never changes).
      CREATE TABLE gate_latest (
        release_id         text NOT NULL REFERENCES releases (id),
        environment        text NOT NULL,
        service            text NOT NULL,
        decision           text NOT NULL,
        decision_seq       bigint NOT NULL,
        decided_at         text NOT NULL,
        release_created_at text NOT NULL,
        missing_count      integer NOT NULL,
        PRIMARY KEY (release_id, environment)
      );
      CREATE INDEX gate_latest_by_environment ON gate_latest (environment, decision, release_id);

      -- The evidence kinds each latest decision found missing.
      CREATE TABLE gate_latest_missing (
        release_id         text NOT NULL,
        environment        text NOT NULL,
        kind               text NOT NULL,
        service            text NOT NULL,
        release_created_at text NOT NULL,
        PRIMARY KEY (release_id, environment, kind)
      );

      INSERT INTO gate_latest (release_id, environment, service, decision, decision_seq,
          decided_at, release_created_at, missing_count)
        SELECT DISTINCT ON (g.release_id, g.environment) g.release_id, g.environment, g.service,
          g.decision, g.seq, g.decided_at, r.created_at,
          (SELECT COUNT(*) FROM json_array_elements(g.body -> 'outcomes') o
            WHERE o ->> 'requirement' = 'evidence' AND o ->> 'status' = 'missing-evidence')
        FROM gate_decisions g JOIN releases r ON r.id = g.release_id
        ORDER BY g.release_id, g.environment, g.seq DESC;
      INSERT INTO gate_latest_missing (release_id, environment, kind, service, release_created_at)
        SELECT DISTINCT l.release_id, l.environment,
          substr(o ->> 'id', length('evidence:') + 1), l.service, l.release_created_at
        FROM gate_latest l JOIN gate_decisions g ON g.seq = l.decision_seq,
          json_array_elements(g.body -> 'outcomes') o
        WHERE o ->> 'requirement' = 'evidence' AND o ->> 'status' = 'missing-evidence';

      -- Daily counters the dashboards read (kept by store/dashboard-upkeep.ts on each write),
      -- so a year of 100,000 releases is a few hundred rows. '' is the unassessed risk class.
      CREATE TABLE release_days (
        day        text NOT NULL,
        risk_class text NOT NULL,
        releases   bigint NOT NULL,
        PRIMARY KEY (day, risk_class)
      );
      INSERT INTO release_days (day, risk_class, releases)
        SELECT substr(r.created_at, 1, 10), COALESCE(c.risk_class, ''), COUNT(*)
        FROM releases r LEFT JOIN changes c ON c.id = r.change_id GROUP BY 1, 2;

      -- Releases with a latest gate decision somewhere, and those missing evidence in one.
      CREATE TABLE evidence_days (
        day        text NOT NULL,
        service    text NOT NULL,
        decided    bigint NOT NULL,
        incomplete bigint NOT NULL,
        PRIMARY KEY (day, service)
      );
      INSERT INTO evidence_days (day, service, decided, incomplete)
        SELECT day, service, COUNT(*), SUM(incomplete) FROM (
          SELECT substr(MAX(release_created_at), 1, 10) AS day, MAX(service) AS service,
            MAX(CASE WHEN missing_count > 0 THEN 1 ELSE 0 END) AS incomplete
          FROM gate_latest GROUP BY release_id) per_release
        GROUP BY day, service;

      CREATE TABLE missing_days (
        day      text NOT NULL,
        service  text NOT NULL,
        kind     text NOT NULL,
        releases bigint NOT NULL,
        PRIMARY KEY (day, service, kind)
      );
      INSERT INTO missing_days (day, service, kind, releases)
        SELECT substr(release_created_at, 1, 10), service, kind, COUNT(DISTINCT release_id)
        FROM gate_latest_missing GROUP BY 1, 2, 3;

      CREATE TABLE deployment_days (
        environment text NOT NULL,
        day         text NOT NULL,
        status      text NOT NULL,
        deployments bigint NOT NULL,
        PRIMARY KEY (environment, day, status)
      );
      INSERT INTO deployment_days (environment, day, status, deployments)
        SELECT environment, substr(at, 1, 10), status, COUNT(*) FROM deployments GROUP BY 1, 2, 3;

      -- Each release's earliest successful deployment per environment: its lead time.
      CREATE TABLE first_successes (
        release_id  text NOT NULL,
        environment text NOT NULL,
        at          text NOT NULL,
        day         text NOT NULL,
        seconds     double precision NOT NULL,
        PRIMARY KEY (release_id, environment)
      );
      INSERT INTO first_successes (release_id, environment, at, day, seconds)
        SELECT f.release_id, f.environment, f.at, substr(f.at, 1, 10),
          EXTRACT(EPOCH FROM (f.at::timestamptz - r.created_at::timestamptz))
        FROM (SELECT release_id, environment, MIN(at) AS at FROM deployments
              WHERE status = 'succeeded' GROUP BY release_id, environment) f
        JOIN releases r ON r.id = f.release_id;

      -- Lead times counted per day and 5% duration bin (core/dashboard/time-bins.ts).
      CREATE TABLE lead_time_days (
        environment text NOT NULL,
        day         text NOT NULL,
        bin         integer NOT NULL,
        releases    bigint NOT NULL,
        PRIMARY KEY (environment, day, bin)
      );
      INSERT INTO lead_time_days (environment, day, bin, releases)
        SELECT environment, day,
          CASE WHEN seconds < 1 THEN 0 ELSE 1 + round((ln(seconds) / ln(1.05))::numeric)::integer END,
          COUNT(*)
        FROM first_successes GROUP BY 1, 2, 3;

      -- Each failed or rolled-back deployment and when the service's next success restored it.
      CREATE TABLE restores (
        deployment_id text PRIMARY KEY,
        environment   text NOT NULL,
        service       text NOT NULL,
        failed_at     text NOT NULL,
        day           text NOT NULL,
        restored_at   text,
        seconds       double precision
      );
      CREATE INDEX restores_by_day ON restores (environment, day, seconds);
      CREATE INDEX restores_pending ON restores (service, environment, failed_at);
      INSERT INTO restores (deployment_id, environment, service, failed_at, day, restored_at,
          seconds)
        SELECT id, environment, service, at, substr(at, 1, 10), next_success,
          EXTRACT(EPOCH FROM (next_success::timestamptz - at::timestamptz))
        FROM (SELECT d.*, (SELECT MIN(e.at) FROM deployments e WHERE e.service = d.service
                AND e.environment = d.environment AND e.status = 'succeeded' AND e.at > d.at)
                AS next_success
              FROM deployments d WHERE d.status IN ('failed', 'rolled-back')) f;

      -- List sorts (text sorts compare bytes, as on SQLite), and the restore-time reads.
      CREATE INDEX releases_by_tag_seq ON releases ((tag COLLATE "C"), seq);
      CREATE INDEX releases_by_service_seq ON releases ((service COLLATE "C"), seq);
      CREATE INDEX releases_by_evidence_count ON releases (evidence_count, seq);
      CREATE INDEX deployments_next_success ON deployments (service, environment, status, at);
    `,
  },
  {
    version: 11,
    name: 'signatures, condition fulfilments, exceptions and delegations',
    sql: `
      -- Electronic signatures: never edited or deleted; a withdrawal is another row.
      CREATE TABLE signatures (
        seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id           text NOT NULL CONSTRAINT signatures_id_unique UNIQUE,
        release_id   text NOT NULL REFERENCES releases (id),
        kind         text NOT NULL,
        role         text NOT NULL,
        signer       text NOT NULL,
        content_hash text NOT NULL,
        withdraws    text,
        record       json NOT NULL,
        signed_at    text NOT NULL
      );
      CREATE INDEX signatures_by_release ON signatures (release_id, seq);
      CREATE UNIQUE INDEX signatures_one_withdrawal ON signatures (withdraws)
        WHERE withdraws IS NOT NULL;
      CREATE TRIGGER signatures_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON signatures
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('signatures are never edited or deleted');

      CREATE TABLE condition_fulfilments (
        signature_id text PRIMARY KEY REFERENCES signatures (id),
        evidence_id  text NOT NULL,
        met_at       text NOT NULL,
        met_by       text NOT NULL
      );
      CREATE TRIGGER condition_fulfilments_write_once
        BEFORE UPDATE OR DELETE OR TRUNCATE ON condition_fulfilments
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('condition fulfilments are write-once');

      CREATE TABLE exceptions (
        seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id         text NOT NULL CONSTRAINT exceptions_id_unique UNIQUE,
        release_id text,
        service    text,
        rule_id    text NOT NULL,
        expires_at text NOT NULL,
        record     json NOT NULL
      );
      CREATE INDEX exceptions_by_release ON exceptions (release_id);
      CREATE INDEX exceptions_by_service ON exceptions (service);
      CREATE TRIGGER exceptions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON exceptions
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('exception requests are never edited');

      CREATE TABLE exception_approvals (
        exception_id text PRIMARY KEY REFERENCES exceptions (id),
        approved_by  text NOT NULL,
        role         text NOT NULL,
        approved_at  text NOT NULL
      );
      CREATE TRIGGER exception_approvals_write_once
        BEFORE UPDATE OR DELETE OR TRUNCATE ON exception_approvals
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('exception approvals are write-once');

      -- Backup approvers: who may sign for whom, in which role, in which window.
      CREATE TABLE delegations (
        seq       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id        text NOT NULL CONSTRAINT delegations_id_unique UNIQUE,
        delegator text NOT NULL,
        delegate  text NOT NULL,
        record    json NOT NULL
      );
      CREATE INDEX delegations_by_delegate ON delegations (delegate, seq);
      CREATE TRIGGER delegations_write_once BEFORE UPDATE OR DELETE OR TRUNCATE ON delegations
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('delegations are write-once');
    `,
  },
  {
    version: 12,
    name: 'outbound webhook subscriptions',
    sql: `
      -- Receivers of release events. The secret signs each body, so it is kept as given (like
      -- inbound webhook secrets); protect the database and its backups.
      CREATE TABLE outbound_webhooks (
        seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id         text NOT NULL CONSTRAINT outbound_webhooks_id_unique UNIQUE,
        url        text NOT NULL,
        secret     text NOT NULL,
        events     text[] NOT NULL,
        created_at text NOT NULL,
        created_by text NOT NULL
      );
    `,
  },
  {
    version: 13,
    name: 'roles each latest gate decision waits for (the "pending my approval" filter)',
    sql: `
      -- One row per role a release's latest decision in an environment waits for; since is when
      -- a decision first asked for it (kept while later decisions still ask).
      CREATE TABLE gate_latest_pending (
        release_id  text NOT NULL,
        environment text NOT NULL,
        role        text NOT NULL,
        service     text NOT NULL,
        since       text NOT NULL,
        PRIMARY KEY (release_id, environment, role)
      );
      CREATE INDEX gate_latest_pending_by_role ON gate_latest_pending (role, release_id);
      INSERT INTO gate_latest_pending (release_id, environment, role, service, since)
        SELECT DISTINCT l.release_id, l.environment,
          substr(o ->> 'id', length('approval:') + 1), l.service, l.decided_at
        FROM gate_latest l JOIN gate_decisions g ON g.seq = l.decision_seq,
          json_array_elements(g.body -> 'outcomes') o
        WHERE o ->> 'requirement' = 'approval' AND o ->> 'status' = 'pending-approval';
    `,
  },
  {
    version: 14,
    name: 'approval waits and approval cycle times (dashboards)',
    sql: `
      -- One row per release and role while some latest gate decision of the release waits for
      -- that role's approval: since is when a decision first asked for it (dashboard-upkeep.ts).
      CREATE TABLE approval_waits (
        release_id         text NOT NULL,
        role               text NOT NULL,
        since              text NOT NULL,
        release_created_at text NOT NULL,
        PRIMARY KEY (release_id, role)
      );
      CREATE INDEX approval_waits_by_created ON approval_waits (release_created_at, role, since);
      INSERT INTO approval_waits (release_id, role, since, release_created_at)
        SELECT p.release_id, p.role, MIN(p.since), MIN(r.created_at)
        FROM gate_latest_pending p JOIN releases r ON r.id = p.release_id
        GROUP BY p.release_id, p.role;
      -- Completed waits, counted on the day of the signature that ended them, per role, the
      -- change's risk class then ('' when unassessed) and 5% duration bin (core/dashboard/time-bins.ts).
      CREATE TABLE approval_cycle_days (
        day        text NOT NULL,
        role       text NOT NULL,
        risk_class text NOT NULL,
        bin        integer NOT NULL,
        approvals  integer NOT NULL,
        PRIMARY KEY (day, role, risk_class, bin)
      );
    `,
  },
  {
    version: 15,
    name: 'approval cycle times per month (long dashboard periods)',
    sql: `
      -- The same approval cycles summed per calendar month, once by role and once by risk
      -- class: a long period reads its whole months here and only its ragged edges from
      -- approval_cycle_days (a year was 44,000 daily rows, 120 ms at p99).
      CREATE TABLE approval_cycle_role_months (
        month     text NOT NULL,
        role      text NOT NULL,
        bin       integer NOT NULL,
        approvals integer NOT NULL,
        PRIMARY KEY (month, role, bin)
      );
      CREATE TABLE approval_cycle_class_months (
        month      text NOT NULL,
        risk_class text NOT NULL,
        bin        integer NOT NULL,
        approvals  integer NOT NULL,
        PRIMARY KEY (month, risk_class, bin)
      );
      INSERT INTO approval_cycle_role_months (month, role, bin, approvals)
        SELECT substr(day, 1, 7), role, bin, SUM(approvals) FROM approval_cycle_days
        GROUP BY substr(day, 1, 7), role, bin;
      INSERT INTO approval_cycle_class_months (month, risk_class, bin, approvals)
        SELECT substr(day, 1, 7), risk_class, bin, SUM(approvals) FROM approval_cycle_days
        GROUP BY substr(day, 1, 7), risk_class, bin;
    `,
  },
];
