// A translator over a flat catalogue of messages with `{name}` placeholders.
// Catalogues are plain objects so TypeScript knows every key: a missing key is a type error.

export type Catalogue = Readonly<Record<string, string>>;
export type Params = Readonly<Record<string, string | number>>;

export type Translate<C extends Catalogue> = (key: keyof C & string, params?: Params) => string;

export function createTranslator<C extends Catalogue>(catalogue: C, fallback?: Partial<C>): Translate<C> {
  return (key, params) => {
    const template = catalogue[key] ?? fallback?.[key] ?? key;
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}
