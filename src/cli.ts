import { Command } from 'commander';
import { configCheckCommand } from './cli/config-check.js';
import { mapCommand, mappingsTestCommand } from './cli/map.js';
import { demoSendCommand } from './cli/demo.js';
import { adaptersDocsCommand, adaptersListCommand } from './cli/adapters.js';
import { startCommand } from './standalone.js';
import { simulateCommand } from './cli/simulate.js';
import { financeExportCommand } from './cli/finance.js';
import { dbMigrateCommand, dbRebuildCommand } from './cli/db.js';
import { clusterUpCommand } from './cli/cluster.js';
import { importOrdersCommand } from './cli/import.js';
import { shadowCompareCommand } from './cli/shadow.js';
import { mappingsDiffCommand } from './cli/mappings-diff.js';
import { packageVersion } from './util/package-info.js';
import { errorMessage } from './util/errors.js';

const program = new Command('zhongshu').description('Zhongshu (中枢) order hub').version(packageVersion());

const exit = (p: Promise<number>) =>
  p.then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`error: ${errorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );

program
  .command('start')
  .description('run the hub; with no TEMPORAL_ADDRESS / REDIS_URL it starts an embedded Temporal dev server and redis-server')
  .option('-c, --config <file>', 'config file', 'config/zhongshu.yaml')
  .option('--role <role>', 'all | http | worker', 'all')
  .option('--demo', 'send the sample Shopify orders once the hub is ready')
  .option('--sandbox', 'start the sandbox world (platforms, couriers, WMS, robot) beside the hub, wire the hub to it and keep sending orders until Ctrl-C')
  .option('--sandbox-rate <n>', 'orders a minute the sandbox platforms receive', '6')
  .option('--sandbox-seed <n>', 'seed of the generated orders', '1')
  .action((o: { config: string; role: string; demo?: boolean; sandbox?: boolean; sandboxRate: string; sandboxSeed: string }) => {
    const rate = Number(o.sandboxRate);
    const seed = Number(o.sandboxSeed);
    if (!(rate > 0 && rate <= 600)) return exit(Promise.reject(new Error(`--sandbox-rate: expected a number of orders a minute in (0, 600], got "${o.sandboxRate}"`)));
    if (!Number.isInteger(seed) || seed < 0) return exit(Promise.reject(new Error(`--sandbox-seed: expected a non-negative integer, got "${o.sandboxSeed}"`)));
    return exit(startCommand({ configFile: o.config, role: o.role, demo: Boolean(o.demo), ...(o.sandbox ? { sandbox: { ordersPerMinute: rate, seed } } : {}) }));
  });

program
  .command('simulate')
  .description('a seeded shop day against the sandbox world (sales platforms, couriers, WMS), with faults; checks invariants, exit 1 on a violation')
  .option('--seed <n>', 'seed of the day (same seed, same plan)', '1')
  .option('--orders <n>', 'how many orders', '120')
  .option('--speed <x>', 'how much faster than a real shop the hub timers run (unpaid countdown 30 shop minutes)', '120')
  .option('--no-faults', 'no WMS 504 storm, platform 429 burst or worker restart')
  .option('--report <format>', 'text | json', 'text')
  .option('--log-level <level>', 'hub log level', 'silent')
  .option('--shadow <platform>', 'run this platform\'s channel in shadow mode all day (taobao, pinduoduo, douyin, youzan, shopify): its writes are recorded, not sent, and checked')
  .action((o: Record<string, unknown>) => exit(simulateCommand(o)));

const cluster = program.command('cluster').description('the production topology\'s Temporal (PostgreSQL, four service processes) on this machine');
cluster
  .command('up')
  .description('start it in the foreground from deploy/temporal/config (the config docker-compose.yml uses); Ctrl-C stops it')
  .option('--port <n>', 'frontend gRPC port', '7233')
  .option('--namespace <name>', 'namespace to register, with the hub\'s search attributes', 'default')
  .option('--keep-logs', 'keep the service logs after stopping')
  .action((o: Record<string, unknown>) => exit(clusterUpCommand(o)));

const config = program.command('config').description('configuration tools');
config
  .command('check [file]')
  .description('validate a config file; prints every problem with its path')
  .action((file: string | undefined) => exit(configCheckCommand(file ?? 'config/zhongshu.yaml')));

program
  .command('map <mappingId> <file>')
  .description('map a payload (file or - for stdin) and print the validated canonical order')
  .option('-d, --dir <dir>', 'mappings directory', 'mappings')
  .option('--context <json>', 'context overrides, e.g. {"channel":"tb-main"}')
  .action((id: string, file: string, o: { dir: string; context?: string }) => exit(mapCommand(id, file, o)));

const mappings = program.command('mappings').description('mapping tools');
mappings
  .command('test [mappingId]')
  .description('run every fixture pair (or those of one mapping / adapter) and print diffs')
  .option('-d, --dir <dir>', 'mappings directory', 'mappings')
  .action((id: string | undefined, o: { dir: string }) => exit(mappingsTestCommand(id, o)));

mappings
  .command('diff <from> <to>')
  .description('run two versions of a mapping over the kept inbound payloads and report what changes; exit 1 when a payload that mapped under <from> fails under <to>')
  .option('--since <duration>', 'payloads received in the last 7d, 12h, 30m...', '7d')
  .option('--channel <id>', 'only this channel\'s payloads')
  .option('--json', 'the report as JSON')
  .option('-c, --config <file>', 'config file', 'config/zhongshu.yaml')
  .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, then database.url)')
  .action((from: string, to: string, o: { since: string; channel?: string; json?: boolean; config: string; databaseUrl?: string }) => exit(mappingsDiffCommand(from, to, o)));

const adapters = program.command('adapters').description('adapter registry');
adapters.command('list').description('registered adapters with kind, status and capabilities').action(() => exit(adaptersListCommand()));
adapters
  .command('docs')
  .description('generate docs/adapters/ from the manifests (--check: fail if stale)')
  .option('--check', 'exit 1 if the generated docs are stale')
  .action((o: { check?: boolean }) => exit(adaptersDocsCommand(o)));

const finance = program.command('finance').description('finance reconciliation');
finance
  .command('export')
  .description('the month per platform, shop and day (orders, goods, freight, discounts, received, commission, refunds, net) plus an order-level file, as UTF-8 CSV with BOM')
  .requiredOption('--month <YYYY-MM>', 'accounting month, e.g. 2026-11 (days cut at finance.utcOffset)')
  .option('--from <file.jsonl>', 'read orders from a JSON-lines file of canonical orders (default: the order store)')
  .option('--database-url <url>', 'the order store (default: DATABASE_URL)')
  .option('--schema <name>', 'the order store schema (default: public)')
  .option('--out <dir>', 'directory for the two CSV files', '.')
  .option('-c, --config <file>', 'config file (only its finance section is read)', 'config/zhongshu.yaml')
  .action((o: Record<string, unknown>) => exit(financeExportCommand(o)));
const db = program.command('db').description('the order store (PostgreSQL): migrations and back-fill');
const dbOpts = (c: Command) => c.option('-c, --config <file>', 'config file', 'config/zhongshu.yaml').option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, then database.url)');
dbOpts(db.command('migrate').description('apply every pending migration (the hub also does at start)')).action((o: { config: string; databaseUrl?: string }) => exit(dbMigrateCommand({ ...o, direction: 'up' })));
dbOpts(db.command('down').description('revert the newest applied migration (one step)')).action((o: { config: string; databaseUrl?: string }) => exit(dbMigrateCommand({ ...o, direction: 'down' })));
dbOpts(db.command('rebuild').description('back-fill the store from Temporal for orders that existed before it (a worker must be up for running orders)'))
  .option('--query <visibility query>', "which workflows (default: WorkflowType = 'orderLifecycle')")
  .action((o: { config: string; databaseUrl?: string; query?: string }) => exit(dbRebuildCommand(o)));

const imports = program.command('import').description('historical data from an old system');
imports
  .command('orders <fileOrDir>')
  .description('historical orders (CSV in UTF-8 or GBK/GB18030, XLSX, JSON lines) through an import/* mapping into the order store; resumable; exit 1 when a row was rejected')
  .option('--dry-run', 'map and validate every row, write the reject report, import nothing (needs no database)')
  .option('--mapping <id>', 'the import mapping (default: import.mapping, import/erp-orders.v1)')
  .option('--channel <name>', 'channel the orders are filed under (default: import.channel)')
  .option('--encoding <enc>', 'CSV encoding: utf8, gbk or gb18030 (default: detected)')
  .option('--format <fmt>', 'csv, xlsx or jsonl (default: from the file extension)')
  .option('--group-by <column>', 'consecutive rows with the same value are one order (default: import.groupBy, 订单编号; "" = one row per order)')
  .option('--batch-size <n>', 'orders per transaction and checkpoint (default: import.batchSize, 500)')
  .option('--report-dir <dir>', 'where <file>.rejects.csv goes', '.')
  .option('--no-progress', 'no progress bar even on a terminal')
  .option('-c, --config <file>', 'config file', 'config/zhongshu.yaml')
  .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, then database.url)')
  .action((target: string, o: Record<string, unknown>) => exit(importOrdersCommand(target, o)));

const shadow = program.command('shadow').description('the shadow run beside an old system');
shadow
  .command('compare')
  .description("one shadow channel's day against the old system's export: per order matched, differing (by field) or missing on a side; exit 1 when anything differs")
  .requiredOption('--channel <id>', 'the shadow channel')
  .requiredOption('--date <YYYY-MM-DD>', 'the day (cut at shadow.compare.utcOffset, by the time the hub received each order)')
  .option('--file <path>', "the old system's export (default: shadow.compare.csvPath)")
  .option('--mapping <id>', 'the shadow/* mapping one export row goes through (default: shadow.compare.mapping)')
  .option('--encoding <enc>', 'CSV encoding: utf8, gbk or gb18030 (default: detected)')
  .option('--format <fmt>', 'json or csv', 'json')
  .option('--out <file>', 'write the report here (default: stdout)')
  .option('-c, --config <file>', 'config file', 'config/zhongshu.yaml')
  .option('--database-url <url>', 'PostgreSQL URL (default: DATABASE_URL, then database.url)')
  .action((o: Record<string, unknown>) => exit(shadowCompareCommand(o)));

const demo = program.command('demo').description('sample traffic');
demo
  .command('send')
  .description('send signed sample Shopify orders to a running hub')
  .option('-c, --config <file>', 'config file (for the channel secret and the port)', 'config/zhongshu.yaml')
  .option('-u, --url <url>', 'hub base URL (default from config)')
  .option('-n, --count <n>', 'how many distinct orders', '3')
  .action((o: { config: string; url?: string; count: string }) => exit(demoSendCommand(o)));

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`error: ${errorMessage(err)}\n`);
  process.exitCode = 1;
});
