-- Loom sessions in PostgreSQL, version 1: a session row, its nodes and decisions as rows, its ops, its side state.
-- Documents are `json`, not `jsonb`: they are stored and read whole, and `json` keeps any string a loom holds
-- (jsonb refuses the \u0000 escape) and costs no conversion on insert.

create table loom_sessions (
  id text primary key,
  -- The seq of the last committed op.
  seq bigint not null default 0,
  -- The loom without its nodes and decisions (current path, held paths, brief, config, undo…), as of `seq`.
  head json not null,
  -- The writer holding the session's advisory lock: its backend pid (commits check it, so a writer whose
  -- connection was lost can never commit without the lock) and who it is ({pid, hostname, startedAt}).
  writer_backend integer,
  writer json,
  created_at timestamptz not null default now()
);

create table loom_nodes (
  session_id text not null references loom_sessions (id) on delete cascade,
  id text not null,
  parent_id text,
  -- Insertion order, so a loom read back lists its nodes (and so children) in the order they were added.
  ord bigint generated always as identity,
  data json not null,
  primary key (session_id, id)
);
create index loom_nodes_by_parent on loom_nodes (session_id, parent_id);

create table loom_decisions (
  session_id text not null references loom_sessions (id) on delete cascade,
  id text not null,
  parent_node_id text not null,
  ord bigint generated always as identity,
  data json not null,
  primary key (session_id, id)
);
create index loom_decisions_by_parent on loom_decisions (session_id, parent_node_id);

-- Every op as committed, in order; compact() drops the ones the rows already hold.
create table loom_ops (
  session_id text not null references loom_sessions (id) on delete cascade,
  seq bigint not null,
  op json not null,
  committed_at timestamptz not null default now(),
  primary key (session_id, seq)
);

-- Side state (usage, an agent's conversation…), one row per name.
create table loom_state (
  session_id text not null references loom_sessions (id) on delete cascade,
  name text not null,
  value json not null,
  primary key (session_id, name)
);
