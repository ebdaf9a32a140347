"""Views of the assessments app: participant pages, session pages, questionnaire editing."""
