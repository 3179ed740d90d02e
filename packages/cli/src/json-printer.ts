import { formatLocation, type KbrunEvent, type TaskInfo } from '@kbrun/core';

/** Writes every event as one JSON object per line (NDJSON); the schema is in docs/output-json.md. */
export class JsonPrinter {
  constructor(
    private readonly write: (line: string) => void,
    private readonly verbosity: number,
  ) {}

  /** Event listener for the run. */
  readonly onEvent = (event: KbrunEvent): void => {
    if (event.type === 'verbose' && event.level > this.verbosity) return;
    this.write(`${JSON.stringify(toJson(event))}\n`);
  };
}

function task(info: TaskInfo): Record<string, unknown> {
  return { task: info.name, task_id: info.id, action: info.action, location: info.location ? formatLocation(info.location) : null };
}

function toJson(event: KbrunEvent): Record<string, unknown> {
  switch (event.type) {
    case 'task_start':
      return { type: event.type, ...task(event.task) };
    case 'host_result': {
      const { task: info, ...rest } = event;
      return { type: rest.type, ...task(info), host: rest.host, status: rest.status, ...(rest.item !== undefined ? { item: rest.item, label: rest.label } : {}), ...(rest.loop ? { loop: true } : {}), ...(rest.ignored ? { ignored: true } : {}), result: rest.result };
    }
    case 'retry': {
      const { task: info, ...rest } = event;
      return { ...rest, ...task(info), type: 'retry' };
    }
    case 'progress': {
      const { task: info, ...rest } = event;
      return { ...rest, ...task(info), type: 'progress' };
    }
    case 'warning':
      return { type: event.type, message: event.message, location: event.location ? formatLocation(event.location) : null };
    default:
      return { ...event };
  }
}
