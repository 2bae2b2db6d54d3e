-- Search index: one table per FHIR search parameter type, one row per extracted value, keyed by the
-- resource row (pid) and the parameter name. Rows are replaced whenever a resource is written and removed
-- when it is deleted. Dates are ranges of epoch milliseconds (inclusive) so one precision rule serves all.
CREATE TABLE idx_token (
    res_pid   BIGINT        NOT NULL,
    res_type  VARCHAR(64)   NOT NULL,
    param     VARCHAR(100)  NOT NULL,
    sys       VARCHAR(512),
    code      VARCHAR(512),
    display   VARCHAR(512)
);
CREATE INDEX ix_token_code ON idx_token (res_type, param, code, sys, res_pid);
CREATE INDEX ix_token_pid ON idx_token (res_pid);

CREATE TABLE idx_string (
    res_pid      BIGINT        NOT NULL,
    res_type     VARCHAR(64)   NOT NULL,
    param        VARCHAR(100)  NOT NULL,
    value_norm   VARCHAR(512)  NOT NULL,
    value_exact  VARCHAR(512)  NOT NULL
);
CREATE INDEX ix_string_norm ON idx_string (res_type, param, value_norm, res_pid);
CREATE INDEX ix_string_pid ON idx_string (res_pid);

CREATE TABLE idx_date (
    res_pid   BIGINT        NOT NULL,
    res_type  VARCHAR(64)   NOT NULL,
    param     VARCHAR(100)  NOT NULL,
    low_ms    BIGINT        NOT NULL,
    high_ms   BIGINT        NOT NULL
);
CREATE INDEX ix_date_low ON idx_date (res_type, param, low_ms, high_ms, res_pid);
CREATE INDEX ix_date_pid ON idx_date (res_pid, param);

CREATE TABLE idx_reference (
    res_pid      BIGINT         NOT NULL,
    res_type     VARCHAR(64)    NOT NULL,
    param        VARCHAR(100)   NOT NULL,
    target_type  VARCHAR(64),
    target_id    VARCHAR(64),
    target_url   VARCHAR(1024)
);
CREATE INDEX ix_reference_target ON idx_reference (res_type, param, target_id, target_type, res_pid);
CREATE INDEX ix_reference_url ON idx_reference (res_type, param, target_url);
CREATE INDEX ix_reference_reverse ON idx_reference (target_type, target_id, res_type, param);
CREATE INDEX ix_reference_pid ON idx_reference (res_pid, param);

CREATE TABLE idx_quantity (
    res_pid   BIGINT          NOT NULL,
    res_type  VARCHAR(64)     NOT NULL,
    param     VARCHAR(100)    NOT NULL,
    amount    NUMERIC(38, 12) NOT NULL,
    sys       VARCHAR(512),
    code      VARCHAR(512)
);
CREATE INDEX ix_quantity_amount ON idx_quantity (res_type, param, amount, res_pid);
CREATE INDEX ix_quantity_pid ON idx_quantity (res_pid);

CREATE TABLE idx_number (
    res_pid   BIGINT          NOT NULL,
    res_type  VARCHAR(64)     NOT NULL,
    param     VARCHAR(100)    NOT NULL,
    amount    NUMERIC(38, 12) NOT NULL
);
CREATE INDEX ix_number_amount ON idx_number (res_type, param, amount, res_pid);
CREATE INDEX ix_number_pid ON idx_number (res_pid);

CREATE TABLE idx_uri (
    res_pid   BIGINT         NOT NULL,
    res_type  VARCHAR(64)    NOT NULL,
    param     VARCHAR(100)   NOT NULL,
    uri       VARCHAR(1024)  NOT NULL
);
CREATE INDEX ix_uri_value ON idx_uri (res_type, param, uri, res_pid);
CREATE INDEX ix_uri_pid ON idx_uri (res_pid);

-- Conditional create/update: the database, not the JVM, decides which of several concurrent requests with
-- the same criteria creates the resource. The primary key makes the losers fail and retry, then find it.
CREATE TABLE conditional_claim (
    res_type       VARCHAR(64)  NOT NULL,
    criteria_hash  VARCHAR(64)  NOT NULL,
    res_pid        BIGINT,
    CONSTRAINT pk_conditional_claim PRIMARY KEY (res_type, criteria_hash)
);
