-- Loom sessions in PostgreSQL, version 2: the current path as rows, so `show` reads the path without the loom and a
-- commit writes only the entries that changed (the head no longer carries the path: it was O(depth) per commit).

create table loom_path (
  session_id text not null references loom_sessions (id) on delete cascade,
  -- 0 for the root.
  depth integer not null,
  node_id text not null,
  -- The node's own text as a JSON string literal (text columns cannot hold the NUL a loom may): `show` joins
  -- these without touching the nodes' rows.
  text_json text not null,
  primary key (session_id, depth)
);

-- The rows of sessions already here are filled in by backfill-path-rows.ts in the same transaction: taking each
-- text out of its node's JSON in SQL fails on the \u0000 a text may hold.
