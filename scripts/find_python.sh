#!/bin/sh
# Print the path of a Python >= 3.12 interpreter, or explain and fail.
# The machine's default python3 may be 3.11 and pyenv shims may refuse to run,
# so each candidate is tried for real.
for candidate in python3.14 python3.13 python3.12 \
    "$HOME"/.pyenv/versions/3.14*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
    "$HOME"/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3 /usr/bin/python3 python3; do
    path=$(command -v "$candidate" 2>/dev/null) || continue
    if "$path" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
        echo "$path"
        exit 0
    fi
done
echo "No Python >= 3.12 found. Install one (e.g. 'pyenv install 3.13' or 'apt-get install python3.13') and retry." >&2
exit 1
