/** Python's codec names the template module's `output_encoding` takes, and Node's encoding for each (with the highest code point it can write). */
const ENCODINGS: Readonly<Record<string, { node: BufferEncoding; max: number }>> = {
  'utf-8': { node: 'utf8', max: 0x10ffff },
  utf8: { node: 'utf8', max: 0x10ffff },
  'utf-16-le': { node: 'utf16le', max: 0x10ffff },
  'utf-16le': { node: 'utf16le', max: 0x10ffff },
  'latin-1': { node: 'latin1', max: 0xff },
  latin1: { node: 'latin1', max: 0xff },
  'iso-8859-1': { node: 'latin1', max: 0xff },
  'iso8859-1': { node: 'latin1', max: 0xff },
  ascii: { node: 'ascii', max: 0x7f },
  'us-ascii': { node: 'ascii', max: 0x7f },
};

/** The names `output_encoding` accepts. */
export const OUTPUT_ENCODINGS: readonly string[] = Object.keys(ENCODINGS);

/** Encodes text as Python would with that codec; an error message when the codec is unknown or cannot write a character. */
export function encodeOutput(text: string, encoding: string): Buffer | { error: string } {
  const codec = ENCODINGS[encoding.toLowerCase().replace(/_/g, '-')];
  if (!codec) return { error: `output_encoding '${encoding}' is not supported (supported: ${OUTPUT_ENCODINGS.join(', ')})` };
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code > codec.max) return { error: `'${encoding}' codec can't encode character '\\u${code.toString(16).padStart(4, '0')}'` };
  }
  return Buffer.from(text, codec.node);
}
