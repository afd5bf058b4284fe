/**
 * The profiles the simulator exports: a small XDM Individual Profile model (which fields exist and
 * their types), made-up but plausible values computed from a seed and a row number (so any row of
 * any export can be produced on its own, in any order, with the same result every time), and the
 * projection of the model onto a job's `fields`.
 */
import { fnv1a } from './util.js';

/** A field of the profile model: a leaf, a struct of named fields, or a list of one element type. */
export type ProfileField =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'struct'; readonly fields: Readonly<Record<string, ProfileField>> }
  | { readonly kind: 'list'; readonly element: ProfileField };

const text: ProfileField = { kind: 'string' };
const flag: ProfileField = { kind: 'boolean' };
const struct = (fields: Record<string, ProfileField>): ProfileField => ({ kind: 'struct', fields });

/** The profile fields the simulator knows, in the order its files hold them. */
export const PROFILE_MODEL: ProfileField & { kind: 'struct' } = {
  kind: 'struct',
  fields: {
    _id: text,
    identities: { kind: 'list', element: struct({ id: text, namespace: struct({ code: text }), primary: flag }) },
    person: struct({ name: struct({ firstName: text, lastName: text, fullName: text }), birthDate: text }),
    personalEmail: struct({ address: text }),
    mobilePhone: struct({ number: text }),
    homeAddress: struct({ street1: text, city: text, postalCode: text, countryCode: text }),
  },
};

/**
 * The fields a job without `fields` exports: the profile's id, its identities (id and namespace
 * code), name, email, phone and home address. Adobe documents no default; these are the usual
 * audience attributes.
 */
export const DEFAULT_PROFILE_FIELDS: readonly string[] = [
  '_id',
  'identities.id',
  'identities.namespace.code',
  'person.name',
  'personalEmail.address',
  'mobilePhone.number',
  'homeAddress',
];

/** A job's `fields` (comma-separated dot paths) as a list; `undefined` or blank gives the default set. */
export function parseFields(fields: string | undefined): readonly string[] {
  const paths = (fields ?? '')
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  return paths.length > 0 ? paths : DEFAULT_PROFILE_FIELDS;
}

/**
 * The model cut down to `paths`: a path names a field and everything under it, and passes through
 * lists (`identities.id` is the `id` of each identity). A path the model does not know becomes a
 * string field that is always null, as a field of the union schema that no profile fills.
 */
export function projectModel(paths: readonly string[]): ProfileField & { kind: 'struct' } {
  let root: ProfileField & { kind: 'struct' } = { kind: 'struct', fields: {} };
  for (const path of paths) root = merge(root, pathTree(PROFILE_MODEL, path.split('.'))) as typeof root;
  return inModelOrder(PROFILE_MODEL, root) as ProfileField & { kind: 'struct' };
}

function pathTree(model: ProfileField | undefined, parts: readonly string[]): ProfileField {
  if (parts.length === 0) return model ?? text;
  if (model?.kind === 'list') return { kind: 'list', element: pathTree(model.element, parts) };
  const [head, ...rest] = parts as [string, ...string[]];
  const child = model?.kind === 'struct' ? model.fields[head] : undefined;
  return struct({ [head]: pathTree(child, rest) });
}

function merge(a: ProfileField, b: ProfileField): ProfileField {
  if (a.kind === 'list' && b.kind === 'list') return { kind: 'list', element: merge(a.element, b.element) };
  // Kinds only disagree for paths the model does not know (`foo` and `foo.bar`): the deeper one wins.
  if (a.kind !== 'struct' || b.kind !== 'struct') return a.kind === 'struct' || a.kind === 'list' ? a : b;
  const fields: Record<string, ProfileField> = { ...a.fields };
  for (const [name, field] of Object.entries(b.fields))
    fields[name] = fields[name] ? merge(fields[name], field) : field;
  return struct(fields);
}

/** The model's order first (so `fields` in any order give the same columns), unknown fields after. */
function inModelOrder(model: ProfileField | undefined, tree: ProfileField): ProfileField {
  if (tree.kind === 'list')
    return { kind: 'list', element: inModelOrder(model?.kind === 'list' ? model.element : undefined, tree.element) };
  if (tree.kind !== 'struct') return tree;
  const known = model?.kind === 'struct' ? Object.keys(model.fields) : [];
  const names = [
    ...known.filter((name) => name in tree.fields),
    ...Object.keys(tree.fields).filter((name) => !known.includes(name)),
  ];
  const fields: Record<string, ProfileField> = {};
  for (const name of names)
    fields[name] = inModelOrder(model?.kind === 'struct' ? model.fields[name] : undefined, tree.fields[name]!);
  return struct(fields);
}

/** A value cut down to `field`'s shape: what the files hold for it (missing parts are null). */
export function projectValue(value: unknown, field: ProfileField): unknown {
  if (value === undefined || value === null) return null;
  if (field.kind === 'list')
    return Array.isArray(value) ? value.map((item) => projectValue(item, field.element)) : null;
  if (field.kind !== 'struct') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(field.fields)) out[name] = projectValue(source[name], child);
  return out;
}

const FIRST_NAMES = [
  'Ana',
  'Ben',
  'Chloé',
  'David',
  'Emma',
  'Farid',
  'Grace',
  'Hiro',
  'Inès',
  'Jonas',
  'Kai',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
];
const LAST_NAMES = [
  'Silva',
  'Müller',
  'Martin',
  'Rossi',
  'García',
  'Nguyen',
  'Smith',
  'Kowalski',
  'Tanaka',
  'Dubois',
  'Okafor',
  'Larsen',
];
const PLACES = [
  ['Paris', 'FR', '750'],
  ['Berlin', 'DE', '101'],
  ['Lisbon', 'PT', '1100'],
  ['San Jose', 'US', '951'],
  ['Toronto', 'CA', 'M5V'],
  ['Sydney', 'AU', '200'],
  ['London', 'GB', 'EC1'],
  ['Tokyo', 'JP', '100'],
] as const;
const STREETS = ['Main St', 'Rue de la Paix', 'Hauptstraße', 'Park Ave', 'High St', 'Avenida da Liberdade'];
const DOMAINS = ['example.com', 'example.org', 'example.net'];

/** Word `salt` of row `index` of the export seeded by `seed`: 32 well-mixed bits. */
function mix(seed: number, index: number, salt: number): number {
  let hash = (seed ^ Math.imul(index, 0x9e3779b1) ^ Math.imul(salt, 0x85ebca77)) >>> 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}

const hex = (value: number) => value.toString(16).padStart(8, '0');
const pick = <T>(list: readonly T[], value: number): T => list[value % list.length]!;

/** The seed of an export's profiles: the batch id, which names the job and (with `segmentPerBatch`) the segment. */
export function profileSeed(batchId: string): number {
  return fnv1a(`profiles\n${batchId}`);
}

/**
 * Profile number `index` of the export seeded by `seed`, with every field of the model. Every
 * profile has an ECID identity; every other one (odd rows) also an Email identity, as the job's
 * `exportedProfileByNamespaceCounter` says.
 */
export function makeProfile(seed: number, index: number): Record<string, unknown> {
  const [a, b, c, d] = [mix(seed, index, 1), mix(seed, index, 2), mix(seed, index, 3), mix(seed, index, 4)];
  const firstName = pick(FIRST_NAMES, a);
  const lastName = pick(LAST_NAMES, b);
  const [city, countryCode, postal] = pick(PLACES, c);
  const email = `${firstName}.${lastName}.${index}@${pick(DOMAINS, d)}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^\x20-\x7e]/g, '');
  const digits = (value: number, length: number) => String(value % 10 ** length).padStart(length, '0');
  const ecid = `${digits(a, 9)}${digits(b, 9)}${digits(c, 9)}${digits(d, 11)}`;
  const identities: Array<Record<string, unknown>> = [{ id: ecid, namespace: { code: 'ECID' }, primary: true }];
  if (index % 2 === 1) identities.push({ id: email, namespace: { code: 'Email' }, primary: false });
  return {
    _id: `${hex(a)}-${hex(b).slice(0, 4)}-4${hex(b).slice(5, 8)}-a${hex(c).slice(1, 4)}-${hex(c).slice(4)}${hex(d)}`,
    identities,
    person: {
      name: { firstName, lastName, fullName: `${firstName} ${lastName}` },
      birthDate: `${1950 + (a % 55)}-${String(1 + (b % 12)).padStart(2, '0')}-${String(1 + (c % 28)).padStart(2, '0')}`,
    },
    personalEmail: { address: email },
    mobilePhone: { number: `+1-555-${String(d % 10_000).padStart(4, '0')}` },
    homeAddress: {
      street1: `${1 + (d % 200)} ${pick(STREETS, a >>> 8)}`,
      city,
      postalCode: `${postal}${String(b % 100).padStart(2, '0')}`,
      countryCode,
    },
  };
}

/** Row `index` of the export seeded by `seed`, as a file with `model`'s columns holds it. */
export function makeRow(
  seed: number,
  index: number,
  model: ProfileField & { kind: 'struct' },
): Record<string, unknown> {
  return projectValue(makeProfile(seed, index), model) as Record<string, unknown>;
}
