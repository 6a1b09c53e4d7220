-- The analysts' table of attributed conversions, kept by the Debezium JDBC sink connector
-- (connectors/postgres-sink/src/main/connect/conversions-postgres-sink.json) from the topic
-- conversions.attributed: one row per conversion_id, upserted, so a status update (reversal,
-- chargeback, approval of a pending conversion) replaces the row's status and previous_status.
--
-- Run it once against the database before the connector starts (it can be run again: every
-- statement is idempotent). The connector runs with schema.evolution=basic: it never changes
-- these columns, but adds a nullable column when the Avro record gains an optional field.

-- The record's two maps, subs (the click's sub1..sub15) and params (the postback's other
-- parameters), are not in this table: the connector drops them (ReplaceField). Connect ships no
-- transform that renders a map as JSON, and Debezium's own map mapping (hstore) does not escape
-- quotes or backslashes, so one such parameter value would stop the connector for good.
--
-- Times are timestamp(3) holding UTC, not timestamptz: Debezium binds a timestamp as a UTC
-- wall-clock time, which PostgreSQL would read in the session's time zone (the Connect worker
-- JVM's) when storing it into a timestamptz column.

CREATE TABLE IF NOT EXISTS attributed_conversions (
    conversion_id   text          NOT NULL PRIMARY KEY,
    request_id      text          NOT NULL,
    click_id        text          NOT NULL,
    campaign_id     text          NOT NULL,
    advertiser_id   text          NOT NULL,
    affiliate_id    text          NOT NULL,
    goal_id         text          NOT NULL,
    goal_value      text          NOT NULL,
    txn_id          text,
    status          text          NOT NULL,
    previous_status text,
    status_reason   text,
    sale_amount     numeric(18,6),
    revenue         numeric(18,6) NOT NULL,
    payout          numeric(18,6) NOT NULL,
    currency        text          NOT NULL,
    clicked_at      timestamp(3)  NOT NULL,
    converted_at    timestamp(3)  NOT NULL,
    test            boolean       NOT NULL DEFAULT false
);

-- A table created before the postback tester lacks the column: add it (idempotent).
ALTER TABLE attributed_conversions ADD COLUMN IF NOT EXISTS test boolean NOT NULL DEFAULT false;

CREATE INDEX IF NOT EXISTS attributed_conversions_campaign_converted_at
    ON attributed_conversions (campaign_id, converted_at);
CREATE INDEX IF NOT EXISTS attributed_conversions_affiliate_converted_at
    ON attributed_conversions (affiliate_id, converted_at);
CREATE INDEX IF NOT EXISTS attributed_conversions_converted_at
    ON attributed_conversions (converted_at);
CREATE INDEX IF NOT EXISTS attributed_conversions_click_id
    ON attributed_conversions (click_id);

COMMENT ON TABLE attributed_conversions IS
    'Attributed conversions from the Kafka topic conversions.attributed, one row per conversion_id, in its latest state.';
COMMENT ON COLUMN attributed_conversions.conversion_id IS
    'Stable across status updates: the request_id of the postback that created the conversion.';
COMMENT ON COLUMN attributed_conversions.request_id IS
    'The postback the row''s current state comes from (the latest status update''s, if any).';
COMMENT ON COLUMN attributed_conversions.txn_id IS 'The advertiser''s order id, if the postback had one.';
COMMENT ON COLUMN attributed_conversions.status IS
    'APPROVED, PENDING, REJECTED or CANCELLED: the latest word of the advertiser, or CANCELLED by a cap (see status_reason).';
COMMENT ON COLUMN attributed_conversions.previous_status IS 'The status before the latest update; null if never updated.';
COMMENT ON COLUMN attributed_conversions.status_reason IS
    'Why the network, not the advertiser, chose the status: CAP_REACHED for a conversion over its goal''s cap (status CANCELLED); null otherwise.';
COMMENT ON COLUMN attributed_conversions.sale_amount IS 'The sale amount the advertiser reported, exact, in currency; null if none.';
COMMENT ON COLUMN attributed_conversions.revenue IS 'What the network earns from the advertiser, exact, in currency.';
COMMENT ON COLUMN attributed_conversions.payout IS 'What the network pays the affiliate, exact, in currency.';
COMMENT ON COLUMN attributed_conversions.currency IS 'ISO 4217 code of sale_amount, revenue and payout.';
COMMENT ON COLUMN attributed_conversions.clicked_at IS 'When the click happened, UTC.';
COMMENT ON COLUMN attributed_conversions.converted_at IS
    'When ingest received the postback the row''s current state comes from (the latest status update''s, if any), UTC.';
COMMENT ON COLUMN attributed_conversions.test IS
    'A test conversion, of a click the postback tester issued: in no stats, no cap, no affiliate postback. Leave it out of reports: WHERE NOT test.';
