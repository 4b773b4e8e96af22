-- Games and every answer, so every board is a query. Times are Unix milliseconds.
CREATE TABLE games (
    id          BIGSERIAL PRIMARY KEY,
    kind        TEXT    NOT NULL,            -- 'channel' (counts on boards) | 'review'
    runner      TEXT    NOT NULL,            -- the process or shard range that runs it
    guild_id    TEXT    NOT NULL,
    channel_id  TEXT    NOT NULL,
    started_by  TEXT    NOT NULL,
    started_at  BIGINT  NOT NULL,
    ended_at    BIGINT,
    status      TEXT    NOT NULL,            -- running | completed | stopped | inactive | abandoned | failed
    questions   INTEGER NOT NULL,
    settings    TEXT    NOT NULL
);
CREATE INDEX games_running ON games (status, runner);

CREATE TABLE answers (
    id             BIGSERIAL PRIMARY KEY,
    game_id        BIGINT  NOT NULL REFERENCES games (id),
    question_index INTEGER NOT NULL,
    question_id    TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    member_id      TEXT    NOT NULL,
    member_name    TEXT    NOT NULL,
    choice         INTEGER NOT NULL,
    correct        INTEGER NOT NULL,
    response_ms    BIGINT  NOT NULL,
    points         BIGINT  NOT NULL,
    streak         INTEGER NOT NULL,
    answered_at    BIGINT  NOT NULL,
    UNIQUE (game_id, question_index, member_id)
);
CREATE INDEX answers_member ON answers (member_id, answered_at);
CREATE INDEX answers_time ON answers (answered_at);

-- A leaderboard reset starts a season; history stays.
CREATE TABLE seasons (
    id         BIGSERIAL PRIMARY KEY,
    scope      TEXT   NOT NULL,
    scope_id   TEXT   NOT NULL,
    started_at BIGINT NOT NULL,
    reset_by   TEXT   NOT NULL
);
CREATE INDEX seasons_scope ON seasons (scope, scope_id, started_at);

-- Leitner boxes for personal review.
CREATE TABLE reviews (
    member_id   TEXT    NOT NULL,
    question_id TEXT    NOT NULL,
    box         INTEGER NOT NULL,
    due_at      BIGINT  NOT NULL,
    PRIMARY KEY (member_id, question_id)
);
