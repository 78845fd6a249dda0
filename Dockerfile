# MockLoop bot image: multi-stage, slim, non-root; the database lives on the /app/data volume.
FROM python:3.12-slim AS build
WORKDIR /src
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
# Dependencies first, so code changes do not bust this layer.
COPY pyproject.toml README.md ./
RUN mkdir -p bot && echo '__version__ = "0"' > bot/__init__.py && pip install . && pip uninstall -y mockloop
COPY bot ./bot
COPY data/questions ./data/questions
COPY rubrics ./rubrics
COPY prompts ./prompts
# A wheel install puts questions, rubrics and prompts under /opt/venv/share/mockloop, so the
# data volume mounted at /app/data never hides them.
RUN pip install --no-deps .

FROM python:3.12-slim
# bubblewrap: the code sandbox (used by the separate runner service, see compose.yaml)
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap && rm -rf /var/lib/apt/lists/*
# /run/mockloop: the runner's socket (a named volume there starts out owned by mockloop)
RUN useradd --create-home --uid 10001 mockloop && mkdir -p /app/data /run/mockloop && chown mockloop /app/data /run/mockloop
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 DATABASE_URL=sqlite+aiosqlite:////app/data/mockloop.db
WORKDIR /app
USER mockloop
VOLUME ["/app/data"]
CMD ["mockloop", "run"]
