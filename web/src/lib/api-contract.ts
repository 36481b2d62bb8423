//! Compile-time ties between the zod schemas (which validate responses at run time) and the
//! types generated from the server's OpenAPI document (`api-types.gen.ts`, `npm run gen:api`).
//! A schema that drifts from the document makes `tsc` fail at its `Expect<Same<...>>` line.
import type { components } from "./api-types.gen";

/** The response and request shapes named in the OpenAPI document. */
export type Api = components["schemas"];

/**
 * A shape compared field by field, ignoring only how a missing value is spelled: the document
 * marks `Option` fields as not required (`x?: T | null`) while the app's schemas turn them into
 * `x: T | null` (see `orNull`), so `?` and `undefined` are dropped on both sides.
 */
export type Wire<T> = T extends string | number | boolean | null
  ? T
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]-?: Wire<Exclude<T[K], undefined>> }
      : T;

/** True when A and B are assignable both ways (after `Wire`), false otherwise. */
export type Same<A, B> = [Wire<A>] extends [Wire<B>] ? ([Wire<B>] extends [Wire<A>] ? true : false) : false;

/** Fails to compile unless its argument is `true`. */
export type Expect<T extends true> = T;
