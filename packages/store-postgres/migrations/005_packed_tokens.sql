-- Loom sessions in PostgreSQL, version 5: a node's tokens, in its row and in the addCandidates op that made it, may be
-- packed in one base64 string ("tokens": "…", the files' packed form since their format version 3) instead of a
-- JSON array of token objects; node-json.ts writes and reads them. Rows written before hold arrays and are read as
-- they are. The tables and loom_commit do not change: the version tells a Loom that cannot read packed tokens to
-- stop (a database newer than it knows) rather than fail on the rows.
--
-- Realistic node rows shrink from ~1.9 KB to ~0.9 KB, under PostgreSQL's ~2 KB TOAST threshold, so they are no
-- longer compressed on insert. What is still compressed (ops, path chunks, large nodes) uses lz4 where the server
-- has it: pglz's compression was the largest single cost of a commit in the server (bench/MEASUREMENTS.md). Values
-- already stored keep their compression; a server built without lz4 keeps pglz.
do $$
begin
  alter table loom_nodes alter column data set compression lz4;
  alter table loom_decisions alter column data set compression lz4;
  alter table loom_ops alter column op set compression lz4;
  alter table loom_path_chunks alter column ids set compression lz4, alter column texts set compression lz4,
    alter column lengths set compression lz4;
exception when feature_not_supported then
  null;
end
$$;
