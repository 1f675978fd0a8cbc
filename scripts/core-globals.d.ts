// For tsconfig.core.json only (the other configs get these from @types/node or the DOM library): the
// web-standard globals src/core uses, which Node and browsers both provide: the WHATWG TextDecoder and
// the HTML standard's structuredClone (src/core/schema/check.ts copies checked values with it).
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}
declare function structuredClone<T>(value: T): T;
