// The user facts (who the connection runs as) from `id`, $HOME, $SHELL and the user's passwd entry.

/**
 * user_id (name), user_uid, user_gid, user_gecos, user_dir, user_shell (from the passwd entry, else $HOME/$SHELL),
 * real_/effective_ user and group ids. `text` holds `id`'s line, `home=…`, `shell=…` and the passwd line.
 */
export function userFacts(text: string): Record<string, unknown> {
  let idLine = '';
  let home = '';
  let shell = '';
  let passwd: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('uid=')) idLine = line;
    else if (line.startsWith('home=')) home = line.slice(5);
    else if (line.startsWith('shell=')) shell = line.slice(6);
    else if (!passwd && line.split(':').length >= 7) passwd = line.split(':');
  }
  const field = (key: string) => new RegExp(`(?:^|\\s)${key}=(\\d+)(?:\\(([^)]*)\\))?`).exec(idLine);
  const uid = field('uid');
  const gid = field('gid');
  if (!uid && !passwd) return {};
  const euid = field('euid') ?? uid;
  const egid = field('egid') ?? gid;
  const facts: Record<string, unknown> = {};
  const name = uid?.[2] ?? passwd?.[0];
  if (name) facts['user_id'] = name;
  const passwdUid = passwd ? Number(passwd[2]) : Number.NaN;
  const passwdGid = passwd ? Number(passwd[3]) : Number.NaN;
  facts['user_uid'] = Number.isFinite(passwdUid) ? passwdUid : Number(uid![1]);
  if (Number.isFinite(passwdGid)) facts['user_gid'] = passwdGid;
  else if (gid) facts['user_gid'] = Number(gid[1]);
  if (passwd) facts['user_gecos'] = passwd[4];
  const dir = passwd?.[5] || home;
  const loginShell = passwd?.slice(6).join(':') || shell;
  if (dir) facts['user_dir'] = dir;
  if (loginShell) facts['user_shell'] = loginShell;
  if (uid) facts['real_user_id'] = Number(uid[1]);
  if (euid) facts['effective_user_id'] = Number(euid[1]);
  if (gid) facts['real_group_id'] = Number(gid[1]);
  if (egid) facts['effective_group_id'] = Number(egid[1]);
  return facts;
}
