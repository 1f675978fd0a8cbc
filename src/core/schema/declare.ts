/**
 * Small builders over TypeBox (https://github.com/sinclairzx81/typebox) for the shapes the house
 * declares again and again: one of a list of constants, a value or null. Pure.
 */
import { Type, type SchemaOptions, type TLiteral, type TNull, type TSchema, type TUnion } from '@sinclair/typebox';

type Literals<T extends readonly (string | number)[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** One of a list of constants (JSON Schema: `anyOf` of `const`s; its static type is the union of them). */
export function OneOf<const T extends readonly (string | number)[]>(values: T, options: SchemaOptions = {}): TUnion<Literals<T>> {
  return Type.Union(values.map((v) => Type.Literal(v)), options) as unknown as TUnion<Literals<T>>;
}

/** `T` or null. */
export function OrNull<T extends TSchema>(t: T, options: SchemaOptions = {}): TUnion<[T, TNull]> {
  return Type.Union([t, Type.Null()], options);
}
