"""The LLM layer: an OpenAI-compatible client with retries and a circuit breaker, prompt files,
and the judge that grades answers per rubric criterion (the project still computes the score)."""
