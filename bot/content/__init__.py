"""Questions (``data/questions``) and rubrics (``rubrics/``) as validated data files."""
