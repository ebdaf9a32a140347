-- assessments_submission_link(code): what storing a web submission needs of its
-- collection link, in one indexed read (migration 0007, issue 7). Called by
-- assessments.selectors.link_for_submission; other databases run the same SELECT.

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
