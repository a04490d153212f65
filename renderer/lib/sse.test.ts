import { describe, expect, it } from 'vitest';
import { createSseParser, type SseFrame } from './sse';

function parseAll(chunks: string[]): SseFrame[] {
  const frames: SseFrame[] = [];
  const feed = createSseParser((f) => frames.push(f));
  for (const c of chunks) feed(c);
  return frames;
}

describe('createSseParser', () => {
  it('parses named events with JSON data', () => {
    const frames = parseAll(['event: stack:changed\ndata: {"a":1}\n\nevent: app:overall\ndata: "ok"\n\n']);
    expect(frames).toEqual([
      { event: 'stack:changed', data: '{"a":1}' },
      { event: 'app:overall', data: '"ok"' },
    ]);
  });

  it('reassembles frames split at arbitrary points, including inside CRLF', () => {
    const text = 'event: app:overall\r\ndata: "warning"\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      expect(parseAll([text.slice(0, cut), text.slice(cut)])).toEqual([{ event: 'app:overall', data: '"warning"' }]);
    }
  });

  it('joins multi-line data, ignores comments and does not emit an unfinished frame', () => {
    const frames = parseAll([': keep-alive\n\ndata: line1\ndata: line2\n\nevent: x\ndata: partial']);
    expect(frames).toEqual([{ event: 'message', data: 'line1\nline2' }]);
  });
});
