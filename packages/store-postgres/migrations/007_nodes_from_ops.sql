-- Loom sessions in PostgreSQL, version 7: loom_commit reads a new candidate's node row from the commit's ops
-- (p_node_at, p_node_len: where the node's JSON lies in p_ops, in UTF-8 bytes), where the client sent every candidate's JSON
-- twice, in its addCandidates op and again as its row: ~8 KB a realistic decision, and the client's copy of it
-- joined into one more text (bench/MEASUREMENTS.md). The tables and the rows' formats do not change.

drop function if exists loom_commit(
  text, bigint, bigint, text, boolean,
  text[], text[], text, text[],
  text[], text[], text, text[],
  bigint[], text,
  integer, integer, integer[], text[], text[], text[],
  text[], text,
  text, text
);

-- One commit of a writer (write-batch.ts) in one statement, as version 6 made it; only the node rows' part differs.
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
      -- The path only grew: chunk p_path_from keeps its p_path_keep entries and gets the first part appended; the
      -- check that it holds exactly those is a scan of its lengths, and a mismatch fails the commit.
      delete from loom_path_chunks where session_id = p_session and chunk > p_path_from;
      if cardinality(p_chunks) > 0 then
        update loom_path_chunks
          set ids = ids || ',' || p_chunk_ids[1], texts = texts || p_chunk_texts[1],
            lengths = lengths || ',' || p_chunk_lengths[1]
          where session_id = p_session and chunk = p_path_from
            and cardinality(string_to_array(lengths, ',')) = p_path_keep;
        if not found then
          raise exception 'loom_commit: path chunk % of session % does not hold the % entries this commit appends to',
            p_path_from, p_session, p_path_keep;
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
