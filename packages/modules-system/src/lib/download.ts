// Downloads made by the target itself (as Ansible's get_url does: the module runs there): curl, else wget, else python3.
import type { ModuleContext } from '@kbrun/core';
import { errorLine, runScript } from './target.js';

/** How to fetch a URL. */
export interface DownloadOptions {
  /** Seconds before the connection attempt gives up. */
  timeout?: number;
  /** Extra request headers, `Name: value`. */
  headers?: Record<string, string>;
  validateCerts?: boolean;
}

/** A download's outcome on the target. */
export type DownloadResult = { ok: true; status: number } | { ok: false; msg: string; status: number };

// $1 url, $2 destination, $3 timeout, $4 1 = skip certificate checks, then one `Name: value` header per argument.
// The tool is chosen on the target; its exit status and HTTP status come back on the last stdout line.
const FETCH_SCRIPT = `url=$1 dest=$2 t=$3 k=$4
shift 4
if command -v curl >/dev/null 2>&1; then
  for h do set -- "$@" -H "$h"; shift; done
  [ "$k" = 1 ] && set -- "$@" -k
  code=$(curl -sSL --connect-timeout "$t" -w '%{http_code}' -o "$dest" "$@" "$url") || { echo "curl failed (status $code)" >&2; exit 22; }
  case $code in 2*|000) echo "$code" ;; *) echo "HTTP Error $code" >&2; echo "$code"; exit 22 ;; esac
elif command -v wget >/dev/null 2>&1; then
  for h do set -- "$@" --header="$h"; shift; done
  [ "$k" = 1 ] && set -- "$@" --no-check-certificate
  wget -q -T "$t" -O "$dest" "$@" "$url" || { rm -f -- "$dest"; echo "wget failed to fetch $url" >&2; exit 22; }
  echo 200
elif command -v python3 >/dev/null 2>&1; then
  python3 - "$url" "$dest" "$t" "$k" "$@" <<'PY'
import ssl, sys, urllib.request
url, dest, timeout, insecure = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "1"
req = urllib.request.Request(url)
for h in sys.argv[5:]:
    name, _, value = h.partition(":")
    req.add_header(name.strip(), value.strip())
ctx = ssl._create_unverified_context() if insecure else None
try:
    with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r, open(dest, "wb") as f:
        f.write(r.read())
        print(getattr(r, "status", 200) or 200)
except Exception as e:
    print(e, file=sys.stderr)
    sys.exit(22)
PY
else
  echo "the target has none of curl, wget or python3 to download $url" >&2
  exit 127
fi`;

/** Fetches `url` into `dest` on the target. */
export async function downloadOnTarget(ctx: ModuleContext, url: string, dest: string, options: DownloadOptions = {}): Promise<DownloadResult> {
  const headers = Object.entries(options.headers ?? {}).map(([name, value]) => `${name}: ${value}`);
  const result = await runScript(ctx, FETCH_SCRIPT, [url, dest, String(options.timeout ?? 10), options.validateCerts === false ? '1' : '0', ...headers]);
  const status = Number.parseInt(result.stdout.trim().split('\n').at(-1) ?? '', 10);
  if (result.rc !== 0) return { ok: false, msg: `Request failed: ${errorLine(result)}`, status: Number.isNaN(status) ? -1 : status };
  return { ok: true, status: Number.isNaN(status) || status === 0 ? 200 : status };
}

/** A temporary file name on the target (mktemp), for a download or an upload. */
export async function targetTempFile(ctx: ModuleContext, suffix = ''): Promise<string | { error: string }> {
  const made = await runScript(ctx, 'mktemp "${TMPDIR:-/tmp}/kbrun-XXXXXXXX$1"', [suffix]);
  if (made.rc !== 0) return { error: `mktemp failed: ${errorLine(made)}` };
  return made.stdout.trim();
}

/** Digest programs for Ansible's checksum algorithms. */
export const DIGEST_PROGRAMS: Record<string, string> = {
  md5: 'md5sum',
  sha1: 'sha1sum',
  sha224: 'sha224sum',
  sha256: 'sha256sum',
  sha384: 'sha384sum',
  sha512: 'sha512sum',
};

/** A file's digest on the target, or null when it does not exist. */
export async function targetDigest(ctx: ModuleContext, path: string, algorithm: string): Promise<string | null> {
  const program = DIGEST_PROGRAMS[algorithm];
  if (!program) throw new Error(`unsupported checksum algorithm ${algorithm}`);
  const result = await runScript(ctx, '[ -f "$2" ] || exit 3; "$1" -- "$2"', [program, path]);
  if (result.rc === 3) return null;
  if (result.rc !== 0) throw new Error(`${program} ${path}: ${errorLine(result)}`);
  return result.stdout.trim().split(/\s+/)[0] ?? '';
}
