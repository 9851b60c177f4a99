-- Loom sessions in PostgreSQL, version 4: loom_commit takes each list of JSON documents (nodes, decisions, ops, side
-- state) as one text, the documents joined by U+001E, instead of a text[]. The tables do not change.
--
-- A text[] parameter is sent as an array literal, every element quoted and every quote in it escaped: JSON is
-- mostly quotes, so the client escaped ~30 KB and allocated ~600 KB per decision of 8 realistic candidates, and a
-- tenth of its commits paid a garbage collection (bench/MEASUREMENTS.md). JSON text never holds a character below
-- U+0020 (JSON.stringify escapes them all), so U+001E cannot occur inside a document and splitting on it is exact.

drop function if exists loom_commit(
  text, bigint, bigint, text, boolean,
  text[], text[], text[], text[],
  text[], text[], text[], text[],
  bigint[], text[],
  integer, integer[], text[], text[], text[],
  text[], text[],
  text, text
);

-- One commit of a writer (write-batch.ts) in one statement, so in one round trip and one implicit transaction: the
-- fence first (the caller still holds the session's lock and the rows are at the seq it expects; false when not,
-- before anything is written), then the rows, the ops, the path chunks, the side state, and the NOTIFY that
-- listeners get once it commits. Lists are parallel: ids[i] goes with parents[i] and the i-th document of data.
create or replace function loom_commit(
  p_session text, p_from_seq bigint, p_to_seq bigint, p_head text, p_rewrite_all boolean,
  p_node_ids text[], p_node_parents text[], p_node_data text, p_node_gone text[],
  p_decision_ids text[], p_decision_parents text[], p_decision_data text, p_decision_gone text[],
  p_op_seqs bigint[], p_ops text,
  p_path_from integer, p_chunks integer[], p_chunk_ids text[], p_chunk_texts text[], p_chunk_lengths text[],
  p_state_names text[], p_state_values text,
  p_channel text, p_payload text
) returns boolean language plpgsql as $$
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
    insert into loom_nodes (session_id, id, parent_id, data)
      select p_session, t.id, t.parent, t.data::json
      from unnest(p_node_ids, p_node_parents, string_to_array(p_node_data, E'\x1e')) as t(id, parent, data)
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
    delete from loom_path_chunks where session_id = p_session and chunk >= p_path_from;
    insert into loom_path_chunks (session_id, chunk, ids, texts, lengths)
      select p_session, t.chunk, t.ids, t.texts, t.lengths
      from unnest(p_chunks, p_chunk_ids, p_chunk_texts, p_chunk_lengths) as t(chunk, ids, texts, lengths);
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
