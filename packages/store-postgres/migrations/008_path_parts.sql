-- Loom sessions in PostgreSQL, version 8: a commit that extends the path inserts its new entries as a row of the
-- tip's chunk (`part`: the depth within the chunk it starts at) instead of rewriting the chunk's row with them
-- appended. Version 7's append rewrote the whole row (up to 128 entries' ids and texts, ~4 KB on average, TOASTed:
-- decompressed, concatenated, compressed and stored again, the old version left for vacuum) and counted its
-- lengths every commit: ~0.15-0.25 ms of the writer backend's ~0.8 ms a decision (bench/MEASUREMENTS.md). The
-- commit that fills a chunk joins its rows into one, so a full chunk is one row as before, and rows written by
-- older versions are part 0 of their chunk. Readers order a chunk's rows by part.

-- Written to run again on a database that already has it (as the function-only versions before it can).
alter table loom_path_chunks add column if not exists part integer not null default 0;
alter table loom_path_chunks drop constraint if exists loom_path_chunks_pkey;
alter table loom_path_chunks add primary key (session_id, chunk, part);

-- One commit of a writer (write-batch.ts) in one statement, as version 7 made it (same parameters); only the append
-- to the path's tip chunk differs.
create or replace function loom_commit(
  p_session text, p_from_seq bigint, p_to_seq bigint, p_head text, p_rewrite_all boolean,
  p_node_ids text[], p_node_parents text[], p_node_data text, p_node_at integer[], p_node_len integer[],
  p_node_gone text[],
  p_decision_ids text[], p_decision_parents text[], p_decision_data text, p_decision_gone text[],
  p_op_seqs bigint[], p_ops text,
  p_path_from integer, p_path_keep integer, p_chunks integer[], p_chunk_ids text[], p_chunk_texts text[], p_chunk_lengths text[],
  p_state_names text[], p_state_values text,
  p_channel text, p_payload text
) returns boolean language plpgsql as $$
declare
  v_first integer;
  v_ops bytea;
  v_end integer;
  v_ids text;
  v_texts text;
  v_lengths text;
begin
  update loom_sessions set seq = p_to_seq, head = coalesce(p_head::json, head)
    where id = p_session and writer_backend = pg_backend_pid() and seq = p_from_seq;
  if not found then
    return false;
  end if;
  if p_rewrite_all then
    delete from loom_nodes where session_id = p_session;
    delete from loom_decisions where session_id = p_session;
  else
    if cardinality(p_node_gone) > 0 then
      delete from loom_nodes where session_id = p_session and id = any(p_node_gone);
    end if;
    if cardinality(p_decision_gone) > 0 then
      delete from loom_decisions where session_id = p_session and id = any(p_decision_gone);
    end if;
  end if;
  if cardinality(p_node_ids) > 0 then
    -- A row whose p_node_at is above 0 is the p_node_len bytes of p_ops in UTF-8 from there (its p_node_data entry
    -- is empty): a candidate's JSON as its addCandidates op carries it. Bytes, because a bytea is cut where it is
    -- asked (substr of a text counts characters from its start, every time). The casts check it is UTF-8 and JSON.
    v_ops := convert_to(p_ops, 'UTF8');
    insert into loom_nodes (session_id, id, parent_id, data)
      select p_session, t.id, t.parent,
        (case when t.at > 0 then convert_from(substring(v_ops from t.at for t.len), 'UTF8') else t.data end)::json
      from unnest(p_node_ids, p_node_parents, p_node_at, p_node_len, string_to_array(p_node_data, E'\x1e'))
        as t(id, parent, at, len, data)
      on conflict (session_id, id) do update set parent_id = excluded.parent_id, data = excluded.data;
  end if;
  if cardinality(p_decision_ids) > 0 then
    insert into loom_decisions (session_id, id, parent_node_id, data)
      select p_session, t.id, t.parent, t.data::json
      from unnest(p_decision_ids, p_decision_parents, string_to_array(p_decision_data, E'\x1e')) as t(id, parent, data)
      on conflict (session_id, id) do update set parent_node_id = excluded.parent_node_id, data = excluded.data;
  end if;
  if cardinality(p_op_seqs) > 0 then
    insert into loom_ops (session_id, seq, op)
      select p_session, t.seq, t.op::json from unnest(p_op_seqs, string_to_array(p_ops, E'\x1e')) as t(seq, op);
  end if;
  if p_path_from is not null then
    if p_path_keep is null then
      delete from loom_path_chunks where session_id = p_session and chunk >= p_path_from;
      v_first := 1;
    else
      -- The path only grew: chunk p_path_from holds its first p_path_keep entries, and the first part sent is
      -- inserted as one more row of it starting there (its `part`), which the chunk's last row must end at. The
      -- commit that fills the chunk joins its rows into one, so a chunk has a row per commit only until it is full.
      delete from loom_path_chunks where session_id = p_session and chunk > p_path_from;
      if cardinality(p_chunks) > 0 then
        select c.part + cardinality(string_to_array(c.lengths, ',')) into v_end from loom_path_chunks c
          where c.session_id = p_session and c.chunk = p_path_from order by c.part desc limit 1;
        if v_end is distinct from p_path_keep then
          raise exception 'loom_commit: path chunk % of session % does not hold the % entries this commit appends to',
            p_path_from, p_session, p_path_keep;
        end if;
        if p_path_keep + cardinality(string_to_array(p_chunk_lengths[1], ',')) < 128 then
          insert into loom_path_chunks (session_id, chunk, part, ids, texts, lengths)
            values (p_session, p_path_from, p_path_keep, p_chunk_ids[1], p_chunk_texts[1], p_chunk_lengths[1]);
        else
          -- Full (128 entries: PATH_CHUNK in path-rows.ts): the chunk's rows and the part become its one row.
          select string_agg(c.ids, ',' order by c.part), string_agg(c.texts, '' order by c.part),
              string_agg(c.lengths, ',' order by c.part)
            into v_ids, v_texts, v_lengths
            from loom_path_chunks c where c.session_id = p_session and c.chunk = p_path_from;
          delete from loom_path_chunks where session_id = p_session and chunk = p_path_from and part > 0;
          update loom_path_chunks set ids = v_ids || ',' || p_chunk_ids[1], texts = v_texts || p_chunk_texts[1],
              lengths = v_lengths || ',' || p_chunk_lengths[1]
            where session_id = p_session and chunk = p_path_from and part = 0;
        end if;
      end if;
      v_first := 2;
    end if;
    insert into loom_path_chunks (session_id, chunk, ids, texts, lengths)
      select p_session, t.chunk, t.ids, t.texts, t.lengths
      from unnest(p_chunks[v_first:], p_chunk_ids[v_first:], p_chunk_texts[v_first:], p_chunk_lengths[v_first:])
        as t(chunk, ids, texts, lengths);
  end if;
  if cardinality(p_state_names) > 0 then
    insert into loom_state (session_id, name, value)
      select p_session, t.name, t.value::json
      from unnest(p_state_names, string_to_array(p_state_values, E'\x1e')) as t(name, value)
      on conflict (session_id, name) do update set value = excluded.value;
  end if;
  perform pg_notify(p_channel, p_payload);
  return true;
end
$$;
