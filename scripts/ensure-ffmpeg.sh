#!/usr/bin/env bash
# Makes sure Debian's ffmpeg (ffmpeg and ffprobe) is installed: the media
# tests probe and convert real videos with it. A server without it still
# runs; it refuses video and audio uploads (docs/operations.md).
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v ffprobe >/dev/null 2>&1 || ! command -v ffmpeg >/dev/null 2>&1; then
  echo "installing ffmpeg with apt-get..."
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
fi
