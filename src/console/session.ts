import type { paths } from './generated/openapi';

/** The JSON a 200 of an operation carries, from the generated paths. */
export type Ok<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B : never;

export type Session = Ok<'/api/session', 'get'>;
