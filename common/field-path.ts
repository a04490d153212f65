/**
 * How a settings field is named everywhere (validation issues, the settings UI, error messages):
 * keys joined with dots, list indexes in brackets — `stack.components.prometheus.port`, `services[0].url`.
 */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${String(p)}` : String(p)), '') || '(root)';
}
