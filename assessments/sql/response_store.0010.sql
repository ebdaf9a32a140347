-- assessments_response_store(...), as migration 0010 made it: once its locks are held,
-- it returns -1 and stores nothing when the session's link for the phase is not open
-- (an erasure may have closed it since the view read it). The rules it implements, and
-- its portable twin's, are the cases of tests/assessments/submission_spec.py.

CREATE OR REPLACE FUNCTION assessments_response_store(
    p_session bigint, p_questionnaire bigint, p_phase varchar, p_age_band varchar,
    p_gender varchar, p_source varchar, p_client uuid, p_digest varchar, p_key varchar,
    p_submitted timestamptz, p_knowledge double precision, p_self_efficacy double precision,
    p_intention double precision,
    p_items bigint[], p_options varchar[], p_likerts smallint[], p_texts text[],
    p_correct boolean[]
) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    new_id bigint;
    same_key integer;
BEGIN
    -- The session's writers (paper entry, erasure, links, edits) hold its row FOR UPDATE;
    -- girls' submissions share it. Every statement below reads a fresh snapshot (READ
    -- COMMITTED, a volatile function): once her own lock is held, the look-up sees every
    -- response of her key committed before.
    PERFORM 1 FROM events_copsession WHERE id = p_session FOR KEY SHARE;
    PERFORM pg_advisory_xact_lock(
        hashtextextended(p_session::text || ':' || p_phase || ':' || p_key, 0));
    -- Its link may have closed since the view read it (an erasure closes them all).
    -- clock_timestamp(): the time now, not when the transaction began.
    PERFORM 1 FROM assessments_collectionlink
    WHERE session_id = p_session AND phase = p_phase AND closed_at IS NULL
      AND opened_at <= clock_timestamp()
      AND (closes_at IS NULL OR closes_at > clock_timestamp());
    IF NOT FOUND THEN
        RETURN -1;
    END IF;
    INSERT INTO assessments_response (
        session_id, questionnaire_id, phase, age_band, gender, assent, source,
        client_submission_id, payload_digest, participant_key, submitted_at,
        knowledge_score, self_efficacy_mean, intention_mean, counts_for_pairing
    ) VALUES (
        p_session, p_questionnaire, p_phase, p_age_band, p_gender, true, p_source,
        p_client, p_digest, p_key, p_submitted, p_knowledge, p_self_efficacy, p_intention, true
    )
    ON CONFLICT (session_id, client_submission_id) DO NOTHING
    RETURNING id INTO new_id;
    IF new_id IS NULL THEN
        RETURN NULL;  -- a resend: the first one is kept
    END IF;
    INSERT INTO assessments_answer (response_id, item_id, "option", likert, "text", is_correct)
    SELECT new_id, sent.* FROM UNNEST(p_items, p_options, p_likerts, p_texts, p_correct) AS sent;
    SELECT count(*) INTO same_key FROM (
        SELECT 1 FROM assessments_response
        WHERE session_id = p_session AND phase = p_phase AND participant_key = p_key LIMIT 2
    ) AS found;
    IF same_key > 1 THEN
        -- The repeat rule for her key: the first pre counts, the last post counts.
        UPDATE assessments_response AS r
        SET counts_for_pairing = (r.id = (
            SELECT c.id FROM assessments_response AS c
            WHERE c.session_id = p_session AND c.phase = p_phase AND c.participant_key = p_key
            ORDER BY
                CASE WHEN p_phase = 'pre' THEN c.submitted_at END ASC,
                CASE WHEN p_phase = 'pre' THEN c.id END ASC,
                CASE WHEN p_phase <> 'pre' THEN c.submitted_at END DESC,
                CASE WHEN p_phase <> 'pre' THEN c.id END DESC
            LIMIT 1
        ))
        WHERE r.session_id = p_session AND r.phase = p_phase AND r.participant_key = p_key;
    END IF;
    RETURN new_id;
END $$;
