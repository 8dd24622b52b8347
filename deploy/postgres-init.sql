-- The knowledge store's database, beside the conversations database that POSTGRES_DB creates.
CREATE DATABASE knowledge;
