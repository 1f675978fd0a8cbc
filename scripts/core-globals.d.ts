// For tsconfig.core.json only (the other configs get these from @types/node or the DOM library): the
// WHATWG TextDecoder, which Node and browsers both provide, is the one runtime global src/core uses.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
