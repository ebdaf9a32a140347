"""PostgreSQL functions for a girl's web submission, the portal's hottest write (issue 7).

``assessments_submission_link(code)`` reads what storing needs of a collection link;
``assessments_response_store(...)`` takes the session row's lock, inserts the response
(nothing when its client id is stored: a resend), its answers, and applies the repeat rule
to her key — one call, one transaction, its plans kept by the connection. The rule is the
one of ``assessments.pairing`` (first pre and last post of a key count); a test checks
both give the same flags. Other databases (SQLite) store through Python statements.
"""

from django.db import migrations

SUBMISSION_LINK = """
CREATE OR REPLACE FUNCTION assessments_submission_link(p_code varchar)
RETURNS TABLE (
    id bigint, code varchar, phase varchar, session_id bigint, questionnaire_id bigint,
    questionnaire_frozen_at timestamptz, pairing_secret varchar,
    opened_at timestamptz, closes_at timestamptz, closed_at timestamptz
) LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT l.id, l.code, l.phase, l.session_id, l.questionnaire_id, q.frozen_at,
           e.pairing_secret, l.opened_at, l.closes_at, l.closed_at
    FROM assessments_collectionlink l
    JOIN assessments_questionnaire q ON q.id = l.questionnaire_id
    JOIN events_copsession s ON s.id = l.session_id
    JOIN events_event e ON e.id = s.event_id
    WHERE l.code = p_code;
END $$;
"""

RESPONSE_STORE = """
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
    -- Every statement below reads a fresh snapshot (READ COMMITTED, a volatile function):
    -- once the lock is held, the look-up sees every response of the key committed before.
    PERFORM 1 FROM events_copsession WHERE id = p_session FOR UPDATE;
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
"""

DROP = """
DROP FUNCTION IF EXISTS assessments_response_store(
    bigint, bigint, varchar, varchar, varchar, varchar, uuid, varchar, varchar, timestamptz,
    double precision, double precision, double precision,
    bigint[], varchar[], smallint[], text[], boolean[]);
DROP FUNCTION IF EXISTS assessments_submission_link(varchar);
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SUBMISSION_LINK)
        schema_editor.execute(RESPONSE_STORE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0006_fewer_indexes"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
