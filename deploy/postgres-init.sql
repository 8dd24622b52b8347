-- Run once by the superuser on an empty cluster (docker-compose.yml mounts it in
-- /docker-entrypoint-initdb.d; by hand: psql -v ON_ERROR_STOP=1 -f postgres-init.sql). Each service
-- gets a role with only the rights it needs; the services never use the superuser.
--   coach_tracker  the Rasa servers: owns the conversations database (Rasa creates its table)
--   coach_loader   the knowledge loader: owns the knowledge database, creates and fills the facts
--   coach_actions  the action servers: reads the facts, keeps its own feedback tables
-- The passwords come from the environment (psql's \getenv), so they are in no file.
\set ON_ERROR_STOP on
\set tracker_password ''
\set loader_password ''
\set actions_password ''
\getenv tracker_password TRACKER_DB_PASSWORD
\getenv loader_password KNOWLEDGE_LOADER_DB_PASSWORD
\getenv actions_password ACTIONS_DB_PASSWORD
SELECT :'tracker_password' = '' OR :'loader_password' = '' OR :'actions_password' = '' AS missing \gset
\if :missing
DO $$ BEGIN RAISE EXCEPTION
  'set TRACKER_DB_PASSWORD, KNOWLEDGE_LOADER_DB_PASSWORD and ACTIONS_DB_PASSWORD'; END $$;
\endif

CREATE ROLE coach_tracker LOGIN PASSWORD :'tracker_password';
CREATE ROLE coach_loader LOGIN PASSWORD :'loader_password';
CREATE ROLE coach_actions LOGIN PASSWORD :'actions_password';

-- Only its own roles may connect to each database.
CREATE DATABASE conversations OWNER coach_tracker;
REVOKE ALL ON DATABASE conversations FROM PUBLIC;
CREATE DATABASE knowledge OWNER coach_loader;
REVOKE ALL ON DATABASE knowledge FROM PUBLIC;
GRANT CONNECT ON DATABASE knowledge TO coach_actions;

\connect knowledge
-- The action servers create their feedback tables (knowledge/feedback.py) and own those alone;
-- the facts, which the loader creates, they may only read.
GRANT USAGE, CREATE ON SCHEMA public TO coach_actions;
ALTER DEFAULT PRIVILEGES FOR ROLE coach_loader IN SCHEMA public GRANT SELECT ON TABLES TO coach_actions;
