-- A principal's other console sessions end when its password changes or is removed.
ALTER TABLE console_sessions DROP CONSTRAINT console_sessions_end_reason_check;
ALTER TABLE console_sessions ADD CONSTRAINT console_sessions_end_reason_check
    CHECK (end_reason IN ('signed_out', 'idle_timeout', 'lifetime_exceeded', 'password_changed'));
