"""满意度调查: the list of surveys (SurveyPage) and one survey (SurveyDialog) with its
respondents, the answer entry grid, the figures, the improvement plan and the report."""
