import type { KbrunEvent } from '../events/events.js';
import type { Redactor } from '../secrets/redactor.js';

/** The event with every known secret removed from what it shows (results, items, labels, messages). */
export function redactEvent(event: KbrunEvent, redactor: Redactor): KbrunEvent {
  switch (event.type) {
    case 'host_result': {
      const facts = event.result['ansible_facts'];
      if (facts && typeof facts === 'object') redactor.collect(facts as Record<string, unknown>);
      const redacted: KbrunEvent = { ...event, result: redactor.redact(event.result) };
      if (event.item !== undefined) redacted.item = redactor.redact(event.item);
      if (event.label !== undefined) redacted.label = redactor.redactText(event.label);
      return redacted;
    }
    case 'retry':
      return { ...event, result: redactor.redact(event.result) };
    case 'included':
      return event.label === undefined ? event : { ...event, label: redactor.redactText(event.label) };
    case 'verbose':
    case 'warning':
      return { ...event, message: redactor.redactText(event.message) };
    case 'progress':
      return event.detail === undefined ? event : { ...event, detail: redactor.redactText(event.detail) };
    default:
      return event;
  }
}
