-- Audit entries past Audit:RetentionDays; only the owner may delete them (the serving role only appends).
DELETE FROM audit_log WHERE at < $1
