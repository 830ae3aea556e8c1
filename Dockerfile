# atscale in a container: `streamlit run app.py` on 0.0.0.0:8501 as a non-root user, with a health check.
# compose.yaml runs two of these behind nginx with PostgreSQL; on its own:
#   docker build -t atscale . && docker run -p 8501:8501 -e ATSCALE_FACILITATOR_PASSCODE=... atscale
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Debian's Chromium draws the charts of the PDF briefing pack and the PNG downloads (kaleido), offline;
# DejaVu is the PDF's font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 atscale \
    && useradd --system --uid 10001 --gid atscale --home-dir /home/atscale --create-home --shell /usr/sbin/nologin atscale

WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt

# The code and data belong to root and are read-only for the app; only forum-data/ (the SQLite file used when
# ATSCALE_DATABASE_URL is not set) is the app's to write.
COPY . .
RUN mkdir -p forum-data && chown atscale:atscale forum-data

USER atscale
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).read() != b'ok')"]
CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501", "--server.headless", "true", \
     "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
