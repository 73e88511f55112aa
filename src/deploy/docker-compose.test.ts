import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument, type Document } from 'yaml';
import { z } from 'zod';

// No Docker engine is needed (or available in CI): this reads docker-compose.yml and the Dockerfile
// as data and checks the things that otherwise only show up when a production stack misbehaves.
// Every check returns the list of problems, so a failure names the service and what is wrong, and the
// "catches" block below proves each check fails on a realistic edit.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const composeFile = path.join(root, 'docker-compose.yml');
const dockerfile = path.join(root, 'Dockerfile');

const REQUIRED_SERVICES = ['postgresql', 'temporal', 'temporal-ui', 'redis', 'hub-db', 'hub-http', 'hub-worker'] as const;
const HUB_SERVICES = ['hub-http', 'hub-worker'] as const;

// ---- the subset of the Compose schema these checks read --------------------------------------

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const service = z
  .object({
    image: z.string().optional(),
    build: z.unknown().optional(),
    container_name: z.string().optional(),
    command: z.union([z.string(), z.array(z.string())]).optional(),
    entrypoint: z.union([z.string(), z.array(z.string())]).optional(),
    environment: z.union([z.record(z.string(), scalar), z.array(z.string())]).optional(),
    depends_on: z.union([z.array(z.string()), z.record(z.string(), z.looseObject({ condition: z.string().optional() }))]).optional(),
    ports: z
      .array(z.union([z.string(), z.number(), z.looseObject({ target: z.union([z.number(), z.string()]), published: z.union([z.number(), z.string()]).optional(), host_ip: z.string().optional() })]))
      .optional(),
    volumes: z.array(z.union([z.string(), z.looseObject({ type: z.string().optional(), source: z.string().optional(), target: z.string() })])).optional(),
    healthcheck: z.looseObject({ test: z.union([z.string(), z.array(z.string())]).optional(), disable: z.boolean().optional() }).optional(),
    deploy: z.looseObject({ replicas: z.number().optional() }).optional(),
  })
  .loose();
const composeSchema = z.looseObject({
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.unknown()).optional(),
});
type Compose = z.infer<typeof composeSchema>;
type Service = z.infer<typeof service>;

function loadDocument(): Document {
  // Compose honours YAML merge keys (`<<: *hub`); so must we, or the hub services would look empty.
  const doc = parseDocument(readFileSync(composeFile, 'utf8'), { merge: true });
  if (doc.errors.length) throw new Error(`docker-compose.yml: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc;
}

function toCompose(doc: Document): Compose {
  const r = composeSchema.safeParse(doc.toJS());
  if (!r.success) throw new Error(`docker-compose.yml does not have the expected shape: ${z.prettifyError(r.error)}`);
  return r.data;
}

// ---- normalisers: Compose allows several spellings of the same thing -------------------------

function envOf(s: Service): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(s.environment)) {
    for (const line of s.environment) {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  } else if (s.environment) {
    for (const [k, v] of Object.entries(s.environment)) out[k] = v === null ? '' : String(v);
  }
  return out;
}

function dependsOn(s: Service): Map<string, string> {
  if (!s.depends_on) return new Map();
  // The short list form means "started", which is what Compose does with it.
  if (Array.isArray(s.depends_on)) return new Map(s.depends_on.map((n) => [n, 'service_started']));
  return new Map(Object.entries(s.depends_on).map(([n, d]) => [n, d.condition ?? 'service_started']));
}

interface Published {
  hostIp: string;
  port: string;
}

/** Host-side bindings only; `"8080"` (container port, random host port) publishes nothing fixed. */
function publishedPorts(s: Service): Published[] {
  const out: Published[] = [];
  for (const p of s.ports ?? []) {
    if (typeof p === 'object') {
      if (p.published !== undefined) out.push({ hostIp: p.host_ip ?? '0.0.0.0', port: String(p.published) });
      continue;
    }
    const spec = String(p).replace(/\/(tcp|udp)$/, '');
    // [ip:]host:container, where ip may be bracketed IPv6
    const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+(?:-\d+)?):(\d+(?:-\d+)?)$/.exec(spec);
    if (m?.[2]) out.push({ hostIp: m[1] ?? '0.0.0.0', port: m[2] });
  }
  return out;
}

/** Named volumes a service mounts (bind mounts start with ., / or ~ and are not declared). */
function namedVolumes(s: Service): string[] {
  const out: string[] = [];
  for (const v of s.volumes ?? []) {
    const source = typeof v === 'string' ? (v.includes(':') ? v.slice(0, v.indexOf(':')) : undefined) : v.type === undefined || v.type === 'volume' ? v.source : undefined;
    if (source && !/^[./~$]/.test(source)) out.push(source);
  }
  return out;
}

function mountTargets(s: Service): string[] {
  return (s.volumes ?? []).map((v) => (typeof v === 'string' ? (v.split(':')[1] ?? v) : v.target));
}

function stringValues(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(stringValues);
  if (typeof v === 'object' && v !== null) return Object.values(v).flatMap(stringValues);
  return [];
}

function argv(x: string | string[] | undefined): string[] {
  if (x === undefined) return [];
  return Array.isArray(x) ? x : x.split(/\s+/).filter(Boolean);
}

// ---- the checks ------------------------------------------------------------------------------

type Check = (c: Compose) => string[];

const requiredServices: Check = (c) => REQUIRED_SERVICES.filter((n) => !c.services[n]).map((n) => `service ${n} is missing`);

const temporalWaitsForPostgres: Check = (c) => {
  const t = c.services['temporal'];
  if (!t) return [];
  const cond = dependsOn(t).get('postgresql');
  return cond === 'service_healthy' ? [] : [`temporal must depend on postgresql with condition service_healthy (has ${cond ?? 'no dependency'})`];
};

const hubDependencies: Check = (c) =>
  HUB_SERVICES.flatMap((name) => {
    const s = c.services[name];
    if (!s) return [];
    const deps = dependsOn(s);
    return ['temporal', 'redis'].filter((d) => !deps.has(d)).map((d) => `${name} must depend on ${d}`);
  });

const workerScales: Check = (c) => {
  const w = c.services['hub-worker'];
  if (!w) return [];
  const problems: string[] = [];
  if (w.container_name !== undefined) problems.push('hub-worker has container_name, so it cannot be scaled');
  if (w.ports?.length) problems.push('hub-worker publishes ports, so a second replica cannot start');
  if ((w.deploy?.replicas ?? 1) < 2) problems.push('hub-worker should run more than one replica (deploy.replicas)');
  return problems;
};

/** Pinned: a digest, or a tag that starts with a version number (`7.4.2`, `16.9`; not `latest`, `alpine`, `${TAG}`). */
function imagePinProblem(image: string): string | null {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'has no tag (means latest)';
  const tag = image.slice(colon + 1);
  if (tag === 'latest') return 'is tagged latest';
  if (!/^v?\d+(\.\d+)*([-.+][\w.-]+)?$/.test(tag)) return `tag "${tag}" is not a version`;
  return null;
}

const imagesPinned: Check = (c) =>
  Object.entries(c.services).flatMap(([name, s]) => {
    if (s.image === undefined) return s.build === undefined ? [`${name} has neither image nor build`] : [];
    const p = imagePinProblem(s.image);
    return p ? [`${name}: image ${s.image} ${p}`] : [];
  });

const portsDistinct: Check = (c) => {
  const problems: string[] = [];
  const seen: Array<Published & { service: string }> = [];
  for (const [name, s] of Object.entries(c.services)) {
    const mine = publishedPorts(s);
    if (mine.length && (s.deploy?.replicas ?? 1) > 1) problems.push(`${name} publishes a fixed port but runs ${s.deploy?.replicas} replicas`);
    for (const p of mine) {
      const clash = seen.find((o) => o.port === p.port && (o.hostIp === p.hostIp || o.hostIp === '0.0.0.0' || p.hostIp === '0.0.0.0'));
      if (clash) problems.push(`host port ${p.port} is published by both ${clash.service} and ${name}`);
      seen.push({ ...p, service: name });
    }
  }
  return problems;
};

const redisDurable: Check = (c) => {
  const r = c.services['redis'];
  if (!r) return [];
  const problems: string[] = [];
  const cmd = argv(r.command);
  const i = cmd.indexOf('--appendonly');
  if (i < 0 || cmd[i + 1] !== 'yes') problems.push('redis must run with --appendonly yes');
  if (!mountTargets(r).includes('/data') || !namedVolumes(r).length) problems.push('redis must keep /data on a named volume, or the append-only file dies with the container');
  return problems;
};

const postgresDurable: Check = (c) => {
  const p = c.services['postgresql'];
  if (!p) return [];
  const problems: string[] = [];
  if (!namedVolumes(p).length || !mountTargets(p).includes('/var/lib/postgresql/data')) problems.push('postgresql must keep /var/lib/postgresql/data on a named volume');
  if (!p.healthcheck?.test || p.healthcheck.disable) problems.push('postgresql needs a healthcheck (temporal waits for it)');
  return problems;
};

/** The order store: both roles name the database service, wait for it healthy, and it keeps its data. */
const hubDatabase: Check = (c) => {
  const problems: string[] = [];
  for (const name of HUB_SERVICES) {
    const s = c.services[name];
    if (!s) continue;
    const url = envOf(s)['DATABASE_URL'];
    if (!url) {
      problems.push(`${name}: DATABASE_URL is not set, so the hub would start an embedded PostgreSQL`);
      continue;
    }
    const host = /@([^:/]+)[:/]/.exec(url)?.[1];
    if (!host || !c.services[host]) problems.push(`${name}: DATABASE_URL names no service (${host ?? 'no host'})`);
    else if (dependsOn(s).get(host) !== 'service_healthy') problems.push(`${name} must depend on ${host} with condition service_healthy`);
  }
  const db = c.services['hub-db'];
  if (db && (!namedVolumes(db).length || !mountTargets(db).includes('/var/lib/postgresql/data'))) problems.push('hub-db must keep /var/lib/postgresql/data on a named volume');
  return problems;
};

const volumesDeclared: Check = (c) => {
  const declared = new Set(Object.keys(c.volumes ?? {}));
  return Object.entries(c.services).flatMap(([name, s]) => namedVolumes(s).filter((v) => !declared.has(v)).map((v) => `${name} mounts volume ${v}, which is not declared under volumes:`));
};

const hubAddressesResolve: Check = (c) =>
  HUB_SERVICES.flatMap((name) => {
    const s = c.services[name];
    if (!s) return [];
    const env = envOf(s);
    const problems: string[] = [];
    const temporal = env['TEMPORAL_ADDRESS'];
    const tHost = temporal?.split(':')[0];
    if (!temporal) problems.push(`${name}: TEMPORAL_ADDRESS is not set, so the hub would start an embedded dev server`);
    else if (!tHost || !c.services[tHost]) problems.push(`${name}: TEMPORAL_ADDRESS ${temporal} names no service`);
    const redis = env['REDIS_URL'];
    if (!redis) problems.push(`${name}: REDIS_URL is not set, so the hub would start an embedded redis-server`);
    else {
      let host = '';
      try {
        host = new URL(redis).hostname;
      } catch {
        problems.push(`${name}: REDIS_URL ${redis} is not a URL`);
      }
      if (host && !c.services[host]) problems.push(`${name}: REDIS_URL ${redis} names no service`);
    }
    return problems;
  });

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|PWD|TOKEN|(^|_)KEY$/;
// `${VAR}` or `${VAR:?message}`; a `${VAR:-fallback}` would be a literal secret in disguise.
const SECRET_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*(:?\?[^}]*)?\}$/;

const secretsFromEnv: Check = (c) =>
  Object.entries(c.services).flatMap(([name, s]) =>
    Object.entries(envOf(s))
      .filter(([k, v]) => SECRET_NAME.test(k) && !SECRET_REF.test(v))
      .map(([k]) => `${name}: ${k} must be a \${VAR} or \${VAR:?} reference, not a literal or a default`),
  );

/** Every `${VAR}` the hub config requires (no default) must reach both hub roles. */
const hubGetsConfigSecrets: Check = (c) => {
  // Values only: the file's comments mention `${ENV_VAR}` too.
  const required = stringValues(parse(readFileSync(path.join(root, 'config/zhongshu.yaml'), 'utf8'))).flatMap((v) =>
    [...v.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] ?? ''),
  );
  return HUB_SERVICES.flatMap((name) => {
    const s = c.services[name];
    if (!s) return [];
    const env = envOf(s);
    return required.filter((v) => !env[v]).map((v) => `${name}: config/zhongshu.yaml requires ${v} but the service does not set it`);
  });
};

const hubRolesAndHealth: Check = (c) => {
  const problems: string[] = [];
  const roles: Array<[string, string]> = [
    ['hub-http', 'http'],
    ['hub-worker', 'worker'],
  ];
  for (const [name, role] of roles) {
    const s = c.services[name];
    if (!s) continue;
    const cmd = argv(s.command);
    const r = cmd.indexOf('--role');
    if (cmd[r + 1] !== role || r < 0) problems.push(`${name} must run \`start --role ${role}\` (command: ${cmd.join(' ')})`);
    const script = cmd.find((a) => a.endsWith('.js'));
    if (!script || !existsSync(path.join(root, script))) problems.push(`${name} runs ${script ?? 'no script'}, which is not in the repository`);
  }
  const http = c.services['hub-http'];
  const test = argv(http?.healthcheck?.test).join(' ');
  if (http && !test.includes('/healthz')) problems.push('hub-http needs a healthcheck on /healthz');
  if (http && !publishedPorts(http).length) problems.push('hub-http publishes no port, so webhooks cannot reach it');
  return problems;
};

const CHECKS: Record<string, Check> = {
  requiredServices,
  temporalWaitsForPostgres,
  hubDependencies,
  workerScales,
  imagesPinned,
  portsDistinct,
  redisDurable,
  postgresDurable,
  hubDatabase,
  volumesDeclared,
  hubAddressesResolve,
  secretsFromEnv,
  hubGetsConfigSecrets,
  hubRolesAndHealth,
};

const allProblems = (c: Compose) => Object.values(CHECKS).flatMap((check) => check(c));

describe('docker-compose.yml', () => {
  const compose = toCompose(loadDocument());

  it.each(Object.entries(CHECKS))('%s: no problems', (_name, check) => {
    expect(check(compose)).toEqual([]);
  });

  it('temporal-ui points at the temporal service', () => {
    const ui = compose.services['temporal-ui'];
    expect(ui).toBeDefined();
    if (!ui) return;
    expect(envOf(ui)['TEMPORAL_ADDRESS']).toBe('temporal:7233');
  });

  it('pins images the way the checks expect', () => {
    expect(imagePinProblem('redis:7.4.2')).toBeNull();
    expect(imagePinProblem('registry.example.com:5000/team/hub:1.2.3')).toBeNull();
    expect(imagePinProblem(`redis@sha256:${'a'.repeat(64)}`)).toBeNull();
    expect(imagePinProblem('redis')).toMatch(/no tag/);
    expect(imagePinProblem('registry.example.com:5000/redis')).toMatch(/no tag/);
    expect(imagePinProblem('redis:latest')).toMatch(/latest/);
    expect(imagePinProblem('redis:alpine')).toMatch(/not a version/);
    expect(imagePinProblem('redis:${REDIS_TAG}')).toMatch(/not a version/);
  });

  // Each edit is one a person could plausibly make; the checks must name what broke.
  const edits: Array<[string, (d: Document) => void, RegExp]> = [
    ['drop the redis volume mount', (d) => d.deleteIn(['services', 'redis', 'volumes']), /redis must keep \/data on a named volume/],
    ['drop the redis volume declaration', (d) => d.deleteIn(['volumes', 'redis-data']), /redis mounts volume redis-data, which is not declared/],
    ['turn off appendonly', (d) => d.setIn(['services', 'redis', 'command'], ['redis-server']), /--appendonly yes/],
    ['remove the redis service', (d) => d.deleteIn(['services', 'redis']), /service redis is missing/],
    ['let temporal start before postgres is healthy', (d) => d.setIn(['services', 'temporal', 'depends_on'], ['postgresql']), /condition service_healthy \(has service_started\)/],
    ['unpin an image', (d) => d.setIn(['services', 'redis', 'image'], 'redis'), /redis: image redis has no tag/],
    ['use latest', (d) => d.setIn(['services', 'temporal-ui', 'image'], 'temporalio/ui:latest'), /temporal-ui: image temporalio\/ui:latest is tagged latest/],
    ['publish a worker port', (d) => d.setIn(['services', 'hub-worker', 'ports'], ['9090:8080']), /hub-worker publishes ports/],
    ['name the worker container', (d) => d.setIn(['services', 'hub-worker', 'container_name'], 'zhongshu-worker'), /hub-worker has container_name/],
    ['publish the UI on the hub port', (d) => d.setIn(['services', 'temporal-ui', 'ports'], ['8080:8080']), /host port 8080 is published by both temporal-ui and hub-http/],
    ['drop REDIS_URL from the shared hub env', (d) => d.deleteIn(['x-hub', 'environment', 'REDIS_URL']), /hub-worker: REDIS_URL is not set/],
    ['point TEMPORAL_ADDRESS at a typo', (d) => d.setIn(['x-hub', 'environment', 'TEMPORAL_ADDRESS'], 'temproal:7233'), /TEMPORAL_ADDRESS temproal:7233 names no service/],
    ['write a secret literally', (d) => d.setIn(['x-hub', 'environment', 'SHOPIFY_WEBHOOK_SECRET'], 'hunter2'), /hub-http: SHOPIFY_WEBHOOK_SECRET must be a \$\{VAR\}/],
    ['give a secret a default', (d) => d.setIn(['services', 'postgresql', 'environment', 'POSTGRES_PASSWORD'], '${POSTGRES_PASSWORD:-temporal}'), /postgresql: POSTGRES_PASSWORD must be/],
    ['forget a secret the config needs', (d) => d.deleteIn(['x-hub', 'environment', 'ZHONGSHU_ADMIN_KEY']), /hub-worker: config\/zhongshu.yaml requires ZHONGSHU_ADMIN_KEY/],
    ['drop the hub dependency on redis', (d) => d.deleteIn(['x-hub', 'depends_on', 'redis']), /hub-http must depend on redis/],
    ['run the worker as the http role', (d) => d.setIn(['services', 'hub-worker', 'command'], ['node', 'bin/zhongshu.js', 'start', '--role', 'http']), /hub-worker must run `start --role worker`/],
    ['drop DATABASE_URL from the shared hub env', (d) => d.deleteIn(['x-hub', 'environment', 'DATABASE_URL']), /hub-http: DATABASE_URL is not set/],
    ['drop the hub database volume', (d) => d.deleteIn(['services', 'hub-db', 'volumes']), /hub-db must keep \/var\/lib\/postgresql\/data on a named volume/],
    ['let the hub start before its database is healthy', (d) => d.setIn(['x-hub', 'depends_on', 'hub-db'], { condition: 'service_started' }), /hub-worker must depend on hub-db with condition service_healthy/],
    ['drop the hub healthcheck', (d) => d.deleteIn(['services', 'hub-http', 'healthcheck']), /hub-http needs a healthcheck on \/healthz/],
  ];

  describe('catches', () => {
    it.each(edits)('%s', (_name, edit, expected) => {
      const doc = loadDocument();
      edit(doc);
      const problems = allProblems(toCompose(doc));
      expect(problems.some((p) => expected.test(p)), `problems: ${JSON.stringify(problems)}`).toBe(true);
    });
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(dockerfile, 'utf8');
  // Join continuation lines; drop comments.
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const finalStage = lines.slice(lines.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true));

  it('starts bin/zhongshu.js, which exists', () => {
    const start = finalStage.filter((l) => /^(CMD|ENTRYPOINT)\s/i.test(l));
    expect(start.length, 'the final stage needs a CMD or ENTRYPOINT').toBeGreaterThan(0);
    const scripts = start.flatMap((l) => [...l.matchAll(/[\w./-]+\.js/g)].map((m) => m[0]));
    expect(scripts).toContain('bin/zhongshu.js');
    for (const s of scripts) expect(existsSync(path.join(root, s)), `${s} is not in the repository`).toBe(true);
  });

  it('runs as a non-root user', () => {
    const user = finalStage.filter((l) => /^USER\s/i.test(l)).at(-1);
    expect(user, 'the final stage has no USER').toBeDefined();
    expect(user?.split(/\s+/)[1]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('installs unixODBC and the documented ODBC drivers in the runtime image', () => {
    // The legacy-erp connector loads libodbc.so.2 and a driver by name (README: Legacy ERPs).
    const installs = finalStage.filter((l) => /^RUN\s.*apt-get install/i.test(l)).join(' ');
    for (const pkg of ['unixodbc', 'odbc-postgresql', 'odbc-mariadb']) expect(installs, `the final stage does not install ${pkg}`).toMatch(new RegExp(`\\s${pkg}(\\s|$)`));
  });

  it('ships what the hub reads at run time', () => {
    // packageRoot() needs package.json next to workflows/; config and mappings are read from the cwd.
    const copied = finalStage.filter((l) => /^COPY\s/i.test(l)).join('\n');
    for (const p of ['package.json', 'bin', 'config', 'mappings', 'workflows', 'dist', 'node_modules']) {
      expect(copied, `the final stage does not COPY ${p}`).toMatch(new RegExp(`\\s(/app/)?${p}(\\s|$)`));
    }
  });
});
