import { COMPONENT_IDS, type ComponentId } from '../../../common/model';
import { webConfigFile } from '../lockdown/credentials';
import type { Paths } from '../paths';
import type { Settings } from '../settings/schema';
import type { RenderedFile } from '../stack/component-spec';
import { dockerComponents } from './addresses';
import { renderCompose, type ComposeInput } from './compose-file';

/** The compose project's file in the stack dir, beside the configs it mounts. */
export const COMPOSE_FILE = 'docker-compose.yml';

/**
 * The compose project for the components whose runtime is "docker", from settings and the component
 * configs rendered beside it. Each service gets the secret files its own configs reference, one by one
 * (found in the rendered text, so a new secret reference needs no change here). Pure.
 */
export function composeInput(settings: Settings, paths: Paths, rendered: Record<ComponentId, RenderedFile[]>): ComposeInput | null {
  const ids = dockerComponents(settings, COMPONENT_IDS);
  if (!ids.length) return null;
  const c = settings.stack.components;
  const j = c.jaeger;
  const secretsPrefix = paths.secretsDir + '/';
  const secretsIn = (text: string) => [...new Set(text.match(new RegExp(`${escape(secretsPrefix)}[\\w.-]+`, 'g')) ?? [])].sort();
  return {
    stackDir: paths.stackDir,
    components: Object.fromEntries(ids.map((id) => [id, { port: c[id].port }])),
    prometheus: { retentionTime: settings.stack.retention.time, retentionSize: settings.stack.retention.size },
    textfileDir: paths.dataDir('node_exporter'),
    secretFiles: Object.fromEntries(ids.map((id) => [id, secretsIn(rendered[id].map((f) => f.content).join('\n'))])),
    jaegerOtlp: { grpc: j.otlpGrpcPort, http: j.otlpHttpPort, health: j.healthPort },
    ...(settings.stack.lockdown.enabled ? { webConfigFile: webConfigFile(paths) } : {}),
    images: settings.docker.images,
  };
}

/** docker-compose.yml as one more rendered file, or nothing when no component runs in Docker. */
export function composeFiles(settings: Settings, paths: Paths, rendered: Record<ComponentId, RenderedFile[]>): RenderedFile[] {
  const input = composeInput(settings, paths, rendered);
  return input ? [{ path: COMPOSE_FILE, content: renderCompose(input) }] : [];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
