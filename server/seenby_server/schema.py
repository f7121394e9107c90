"""The core tables and views, as ordered migrations.

``MIGRATIONS[i]`` is schema version ``i + 1``. Never edit a shipped migration:
append a new one. ``docs/schema.md`` documents every table and column; a test
checks that it names them all.
"""

from __future__ import annotations

CORE_OWNER = "core"

_V1 = """
CREATE TABLE captures (
    id            VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    platform      VARCHAR,
    operation     VARCHAR,
    url           VARCHAR NOT NULL,
    page_url      VARCHAR,
    method        VARCHAR NOT NULL,
    status        INTEGER NOT NULL,
    captured_at   TIMESTAMPTZ NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    request_body  VARCHAR,
    body          VARCHAR,
    body_is_json  BOOLEAN NOT NULL,
    parse_status  VARCHAR NOT NULL,
    parse_error   VARCHAR,
    parsed_at     TIMESTAMPTZ
);

CREATE TABLE accounts (
    platform      VARCHAR NOT NULL,
    account_id    VARCHAR NOT NULL,
    handle        VARCHAR,
    display_name  VARCHAR,
    followers     BIGINT,
    following     BIGINT,
    posts_count   BIGINT,
    verified      BOOLEAN,
    created_at    TIMESTAMPTZ,
    url           VARCHAR,
    bio           VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, account_id)
);

CREATE TABLE account_metrics (
    capture_id    VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    account_id    VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    followers     BIGINT,
    following     BIGINT,
    posts_count   BIGINT,
    PRIMARY KEY (capture_id, platform, account_id)
);

CREATE TABLE posts (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    author_id     VARCHAR,
    text          VARCHAR,
    created_at    TIMESTAMPTZ,
    url           VARCHAR,
    kind          VARCHAR NOT NULL,
    reply_to_id   VARCHAR,
    root_id       VARCHAR,
    quote_of_id   VARCHAR,
    repost_of_id  VARCHAR,
    title         VARCHAR,
    lang          VARCHAR,
    community     VARCHAR,
    promoted      BOOLEAN,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, post_id)
);

CREATE TABLE post_aliases (
    platform      VARCHAR NOT NULL,
    alias         VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    PRIMARY KEY (platform, alias)
);

CREATE TABLE post_metrics (
    capture_id    VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    likes         BIGINT,
    replies       BIGINT,
    reposts       BIGINT,
    quotes        BIGINT,
    views         BIGINT,
    bookmarks     BIGINT,
    score         BIGINT,
    upvote_ratio  DOUBLE,
    reactions     BIGINT,
    PRIMARY KEY (capture_id, platform, post_id)
);

CREATE TABLE impressions (
    capture_id    VARCHAR PRIMARY KEY,
    platform      VARCHAR,
    post_id       VARCHAR NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL,
    dwell_ms      INTEGER NOT NULL,
    page_url      VARCHAR
);

CREATE TABLE interactions (
    platform      VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    target_id     VARCHAR NOT NULL,
    post_id       VARCHAR,
    account_id    VARCHAR,
    occurred_at   TIMESTAMPTZ,
    undone        BOOLEAN NOT NULL,
    source        VARCHAR NOT NULL,
    capture_id    VARCHAR NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, kind, target_id)
);

CREATE TABLE viewers (
    platform      VARCHAR NOT NULL,
    account_id    VARCHAR NOT NULL,
    handle        VARCHAR,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, account_id)
);

CREATE TABLE post_metrics_latest (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    likes         BIGINT,
    replies       BIGINT,
    reposts       BIGINT,
    quotes        BIGINT,
    views         BIGINT,
    bookmarks     BIGINT,
    score         BIGINT,
    upvote_ratio  DOUBLE,
    reactions     BIGINT,
    PRIMARY KEY (platform, post_id)
);

CREATE VIEW posts_latest AS
SELECT
    p.platform,
    p.post_id,
    p.author_id,
    a.handle                           AS author_handle,
    a.display_name                     AS author_name,
    a.followers                        AS author_followers,
    p.text,
    p.created_at,
    p.url,
    p.kind,
    p.reply_to_id,
    p.root_id,
    p.quote_of_id,
    p.repost_of_id,
    p.title,
    p.community,
    p.lang,
    p.promoted,
    (v.account_id IS NOT NULL)         AS is_own,
    m.likes,
    m.replies,
    m.reposts,
    m.quotes,
    m.views,
    m.bookmarks,
    m.score,
    m.upvote_ratio,
    m.reactions,
    m.observed_at,
    p.first_seen_at,
    p.last_seen_at
FROM posts p
LEFT JOIN accounts a ON a.platform = p.platform AND a.account_id = p.author_id
LEFT JOIN viewers v ON v.platform = p.platform AND v.account_id = p.author_id
LEFT JOIN post_metrics_latest m ON m.platform = p.platform AND m.post_id = p.post_id;

CREATE VIEW my_posts AS SELECT * FROM posts_latest WHERE is_own;
"""

# Single-column indexes for keyed lookups of a few posts (overlay requests). DuckDB
# answers a filter from an ART index only when the index has one column and the filter
# is on that column alone, so the (platform, id) primary keys are never used for reads;
# see lookup.py.
_V2 = """
CREATE INDEX posts_post_id ON posts (post_id);
CREATE INDEX post_metrics_latest_post_id ON post_metrics_latest (post_id);
CREATE INDEX accounts_account_id ON accounts (account_id);
CREATE INDEX post_aliases_alias ON post_aliases (alias);
"""

# A capture's parsed rows are merged into the tables in bulk, after the capture itself
# is committed (see merge.py); until then ``rows_merged`` is false, so a server killed in
# between re-parses those captures when it starts again.
_V3 = """
ALTER TABLE captures ADD COLUMN rows_merged BOOLEAN NOT NULL DEFAULT true;
"""

# Bodies of 4 KB or more are stored zstd-compressed (see bodies.py); older rows keep
# theirs in ``body``.
_V4 = """
ALTER TABLE captures ADD COLUMN body_zstd BLOB;
"""

# The per-capture snapshot tables lose their primary keys. Keeping an ART index over
# random capture ids made appending snapshots the most expensive part of a merge
# (about 5x a plain append, and 3x the commit). Their rows are unique per
# (capture, platform, id) by construction: a merge only writes captures never merged
# before, and reparse skips snapshots already there (writes.py).
_V5 = """
CREATE TABLE account_metrics_v5 (
    capture_id    VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    account_id    VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    followers     BIGINT,
    following     BIGINT,
    posts_count   BIGINT
);
INSERT INTO account_metrics_v5 BY NAME SELECT * FROM account_metrics;
DROP TABLE account_metrics;
ALTER TABLE account_metrics_v5 RENAME TO account_metrics;

CREATE TABLE post_metrics_v5 (
    capture_id    VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    observed_at   TIMESTAMPTZ NOT NULL,
    likes         BIGINT,
    replies       BIGINT,
    reposts       BIGINT,
    quotes        BIGINT,
    views         BIGINT,
    bookmarks     BIGINT,
    score         BIGINT,
    upvote_ratio  DOUBLE,
    reactions     BIGINT
);
INSERT INTO post_metrics_v5 BY NAME SELECT * FROM post_metrics;
DROP TABLE post_metrics;
ALTER TABLE post_metrics_v5 RENAME TO post_metrics;
"""

# The user's own record of an act (Bluesky's like/repost/follow record URI), so an undo
# that names only that record finds the act (writes.py).
_V6 = """
ALTER TABLE interactions ADD COLUMN record_id VARCHAR;
"""

# The user's own handle as pages show it (the extension reads it with a platform's
# ViewerHint): the account it names, once known, is added to ``viewers`` (writes.py).
_V7 = """
CREATE TABLE viewer_handles (
    platform      VARCHAR NOT NULL,
    handle        VARCHAR NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, handle)
);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7]

MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    owner      VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (owner, version)
)
"""

CORE_TABLES = (
    "captures",
    "accounts",
    "account_metrics",
    "posts",
    "post_aliases",
    "post_metrics",
    "impressions",
    "interactions",
    "viewers",
    "viewer_handles",
    "post_metrics_latest",
)
CORE_VIEWS = ("posts_latest", "my_posts")
