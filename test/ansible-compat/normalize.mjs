// Reduces Ansible's and kbrun's task results to what must match between them (no timings, no Ansible internals).

const KEYS = ['changed', 'failed', 'skipped', 'rc', 'stdout', 'stderr', 'msg', 'attempts', 'item', 'failed_when_result', 'skip_reason', 'evaluated_to', 'assertion'];

/** The comparable part of one result. */
export function normalizeResult(result) {
  const out = {};
  for (const key of KEYS) if (result[key] !== undefined) out[key] = result[key];
  if (Array.isArray(result.results)) out.results = result.results.map(normalizeResult);
  if (out.failed === false) delete out.failed;
  if (out.skipped === false) delete out.skipped;
  return out;
}

/** `{stats, tasks: [{name, hosts: {h: result}}]}` from ansible-playbook's json callback output. */
export function fromAnsibleJson(report) {
  const tasks = [];
  for (const play of report.plays) {
    for (const t of play.tasks) {
      const hosts = {};
      for (const [host, result] of Object.entries(t.hosts)) hosts[host] = normalizeResult(result);
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
    } else if (e.type === 'host_result' && e.item === undefined) {
      byId.get(e.task_id).hosts[e.host] = normalizeResult(e.result);
    } else if (e.type === 'recap') {
      stats = e.hosts;
    }
  }
  return { tasks, stats };
}
