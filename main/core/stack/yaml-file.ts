import { stringify } from 'yaml';

/** A rendered YAML config, headed by a line that says where it comes from. */
export const yamlFile = (doc: unknown): string => `# Rendered by Lookout from settings.json; edits here are overwritten.\n${stringify(doc, { lineWidth: 0 })}`;
