// Reduces Ansible's and kbrun's task results to what must match between them (no timings, no Ansible internals).

const KEYS = ['changed', 'failed', 'skipped', 'rc', 'stdout', 'stderr', 'msg', 'attempts', 'item', 'failed_when_result', 'skip_reason', 'evaluated_to', 'assertion'];

const COMPAT_DIR = new URL('.', import.meta.url).pathname;

/** A value with the absolute path of this directory written `<compat>/` (paths a lookup or loop gives are portable). */
function portable(value) {
  if (typeof value === 'string') return value.split(COMPAT_DIR).join('<compat>/');
  if (Array.isArray(value)) return value.map(portable);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, portable(v)]));
  return value;
}

/** Keys of a result that are the tools' bookkeeping, never what a `debug` task shows. */
const DEBUG_IGNORED = new Set(['action', 'invocation', 'results', 'ansible_facts', 'false_condition']);

/** The comparable part of one result; a `debug` result keeps every key it shows (`var:` prints the variable's name as its key). */
export function normalizeResult(result, action) {
  const out = {};
  for (const key of KEYS) if (result[key] !== undefined) out[key] = portable(result[key]);
  if (action === 'debug' && !Array.isArray(result.results)) {
    for (const [key, value] of Object.entries(result)) {
      if (!key.startsWith('_ansible') && !DEBUG_IGNORED.has(key) && out[key] === undefined) out[key] = portable(value);
    }
  }
  if (Array.isArray(result.results)) out.results = result.results.map((r) => normalizeResult(r));
  if (out.failed === false) delete out.failed;
  if (out.skipped === false) delete out.skipped;
  return out;
}

/** `{stats, tasks: [{name, hosts: {h: result}}]}` from ansible-playbook's json callback output. */
export function fromAnsibleJson(report) {
  const tasks = [];
  for (const play of report.plays) {
    for (const t of play.tasks) {
      // Meta tasks (no host result) and include_tasks/include_role (a result with `include`) are tasks of their own
      // in Ansible's report; kbrun reports neither as a host result (includes get an `included` line).
      const isInclude = (r) => r.include !== undefined || r.include_args !== undefined || (Array.isArray(r.results) && r.results.some(isInclude));
      if (Object.values(t.hosts).some(isInclude)) continue;
      const hosts = {};
      for (const host of Object.keys(t.hosts).sort()) {
        // A meta task whose `when` is false reports a skip per host in Ansible's report; kbrun reports nothing.
        if (/conditional evaluated to false, continuing execution/i.test(String(t.hosts[host].msg ?? ''))) continue;
        hosts[host] = normalizeResult(t.hosts[host], t.hosts[host].action);
      }
      if (Object.keys(hosts).length === 0) continue;
      tasks.push({ name: t.task.name, hosts });
    }
  }
  const stats = {};
  for (const [host, s] of Object.entries(report.stats)) {
    stats[host] = { ok: s.ok, changed: s.changed, unreachable: s.unreachable, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored };
  }
  return { tasks, stats };
}

/** The same shape from kbrun's --output json events. */
export function fromKbrunEvents(events) {
  const tasks = [];
  const byId = new Map();
  let stats = {};
  for (const e of events) {
    if (e.type === 'task_start') {
      const task = { name: e.task, hosts: {} };
      byId.set(e.task_id, task);
      tasks.push(task);
    } else if (e.type === 'host_result' && e.item === undefined && e.action !== 'include_tasks' && e.action !== 'include_role') {
      byId.get(e.task_id).hosts[e.host] = normalizeResult(e.result, e.action);
    } else if (e.type === 'recap') {
      stats = e.hosts;
    }
  }
  for (const task of tasks) task.hosts = Object.fromEntries(Object.keys(task.hosts).sort().map((h) => [h, task.hosts[h]]));
  return { tasks: tasks.filter((t) => Object.keys(t.hosts).length > 0), stats };
}
