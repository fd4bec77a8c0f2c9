#!/bin/sh
# Trunk post_build hook (Trunk.toml): writes the service worker's precache manifest.
#
# Lists every file Trunk staged for this build (index.html, the hashed app JS/wasm and CSS, the
# worker files, examples/...) and hashes their names and contents together into a version. Both
# are put at the top of the staged sw.js as
#
#   const MANIFEST = {"version":"<16 hex>","files":["index.html",...]};
#
# so every build whose output differs gives a byte-different sw.js, which is how the browser
# learns that there is a new version; the new service worker then caches under the new version
# and drops the old cache. Only sh and coreutils/findutils.
set -eu

dir=${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}
cd "$dir"
if [ ! -f sw.js ]; then
    echo "sw-manifest: no sw.js in $dir (index.html must copy static/sw.js)" >&2
    exit 1
fi
if [ "$(head -c 15 sw.js)" = "const MANIFEST " ]; then
    echo "sw-manifest: sw.js already has a manifest" >&2
    exit 1
fi

# Names and contents of every staged file, sw.js included (a changed service worker is a new
# version too), in a fixed order.
version=$(find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)

files=""
count=0
list=$(find . -type f ! -path ./sw.js | LC_ALL=C sort)
while IFS= read -r f; do
    [ -n "$f" ] || continue
    f=${f#./}
    case $f in
        *'"'* | *'\'* | *'#'* | *'?'* | *'%'*)
            echo "sw-manifest: file name not allowed in the precache list: $f" >&2
            exit 1
            ;;
    esac
    files="$files${files:+,}\"$f\""
    count=$((count + 1))
done <<EOF
$list
EOF

tmp=sw.js.tmp
printf 'const MANIFEST = {"version":"%s","files":[%s]};\n' "$version" "$files" >"$tmp"
cat sw.js >>"$tmp"
mv "$tmp" sw.js
echo "sw-manifest: $count files, cache version $version"
