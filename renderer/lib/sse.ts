/** One server-sent event frame: the `event:` name (default "message") and its joined `data:` lines. */
export interface SseFrame {
  event: string;
  data: string;
}

/**
 * Incremental parser for the text/event-stream format. Chunks may split frames, lines or even
 * CRLF pairs anywhere, so it keeps the unfinished tail between calls.
 */
export function createSseParser(onFrame: (frame: SseFrame) => void): (chunk: string) => void {
  let buffer = '';
  let event = '';
  let data: string[] = [];

  const dispatch = () => {
    // A frame without data lines is a no-op per the spec (e.g. a bare `event:` or keep-alive).
    if (data.length > 0) onFrame({ event: event || 'message', data: data.join('\n') });
    event = '';
    data = [];
  };

  const line = (text: string) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return; // comment / keep-alive
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };

  return (chunk: string) => {
    buffer += chunk;
    // Keep a trailing '\r' back: it may be the first half of a CRLF split across chunks.
    const lines = buffer.split(/\r\n|\r(?!$)|\n/);
    buffer = lines.pop() ?? '';
    for (const l of lines) line(l);
  };
}
