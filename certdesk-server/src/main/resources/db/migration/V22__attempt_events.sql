-- Attempts counted against a limit (failed sign-ins and client authentications, connection
-- checks), in the database so that every node of a cluster counts the same ones.
CREATE TABLE attempt_events (
    scope   VARCHAR(16)  NOT NULL,
    subject VARCHAR(400) NOT NULL,
    at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX attempt_events_subject_idx ON attempt_events (scope, subject, at);
CREATE INDEX attempt_events_at_idx ON attempt_events (at);
