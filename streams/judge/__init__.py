"""The coding-interview judge: limits, sandbox, languages, problems and the agent."""
