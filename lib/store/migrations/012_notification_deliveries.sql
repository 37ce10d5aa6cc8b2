-- Each event's delivery to each target: attempts so far, the last answer, and when it was delivered.
CREATE TABLE notification_deliveries (
  event_id      text NOT NULL,
  target        text NOT NULL,
  kind          text NOT NULL,
  run_id        text,
  state         text NOT NULL CHECK (state IN ('delivering', 'delivered', 'refused')),
  attempts      integer NOT NULL,
  last_status   integer,
  last_error    text,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  delivered_at  timestamptz,
  PRIMARY KEY (event_id, target)
);
CREATE INDEX notification_deliveries_by_run ON notification_deliveries (run_id, updated_at);
