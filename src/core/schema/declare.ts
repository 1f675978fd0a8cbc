/**
 * The schema builders the house declares its data shapes with (TypeBox,
 * https://github.com/sinclairzx81/typebox), and two shapes it declares again and again: one of a list
 * of constants, a value or null, a hyperparameter value, an object of named values. Pure.
 *
 * `Type` here holds only the builders the declarations use, imported by name: TypeBox's own `Type`
 * namespace holds every builder (Pick, Omit, Mapped, template literals ...), which a bundler cannot
 * drop, and would add about 35 KB to the webview bundle (ARCHITECTURE.md "Data shapes").
 */
import {
  Array as ArrayOf, Boolean as BooleanOf, Integer, Literal, Null, Number as NumberOf, Object as ObjectOf, Optional, Record, String as StringOf,
  Transform, Tuple, Union, Unknown, type SchemaOptions, type TLiteral, type TNull, type TSchema, type TUnion,
} from '@sinclair/typebox';

export const Type = {
  Array: ArrayOf, Boolean: BooleanOf, Integer, Literal, Null, Number: NumberOf, Object: ObjectOf, Optional, Record, String: StringOf,
  Transform, Tuple, Union, Unknown,
} as const;

type Literals<T extends readonly (string | number)[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/** One of a list of constants (JSON Schema: `anyOf` of `const`s; its static type is the union of them). */
export function OneOf<const T extends readonly (string | number)[]>(values: T, options: SchemaOptions = {}): TUnion<Literals<T>> {
  return Union(values.map((v) => Literal(v)), options) as unknown as TUnion<Literals<T>>;
}

/** `T` or null. */
export function OrNull<T extends TSchema>(t: T, options: SchemaOptions = {}): TUnion<[T, TNull]> {
  return Union([t, Null()], options);
}

/** A JSON scalar or a list of numbers (the HyperValue of src/core/types). */
export const HyperValueSchema = Union([NumberOf(), BooleanOf(), StringOf({ maxLength: 1000 }), Null(), ArrayOf(NumberOf(), { maxItems: 64 })]);

/** An object of named values; keys limited in number and length, and never `__proto__`. */
export const Named = <T extends TSchema>(value: T, maxProperties: number, options: SchemaOptions = {}) =>
  Record(StringOf({ pattern: '^(?!__proto__$)[\\s\\S]{0,200}$' }), value, { ...options, maxProperties, additionalProperties: false });
