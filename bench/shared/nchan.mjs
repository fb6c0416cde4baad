// nchan (nginx + libnginx-mod-nchan from Debian) as a bench peer: a generated nginx.conf in a temporary
// folder, one process (no master, no daemon), an event-stream subscriber location /events and a
// publisher location /publish on one channel.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port.mjs';

export const NCHAN_MODULE = '/usr/lib/nginx/modules/ngx_nchan_module.so';
export const NCHAN_INSTALL_HINT = 'apt-get install -y nginx-light libnginx-mod-nchan';
const START_TIMEOUT_MS = 5_000;
const STOP_TIMEOUT_MS = 5_000;

/** Whether nginx and the nchan module are installed. */
export const hasNchan = () =>
  spawnSync('sh', ['-c', `command -v nginx && test -e ${NCHAN_MODULE}`], { stdio: 'ignore' }).status === 0;

/** nginx's and nchan's versions, for a table's label ("nchan 1.3.6, nginx 1.22.1"), or null. */
export function nchanVersion() {
  const nginx = spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr?.match(/nginx\/([\d.]+)/)?.[1];
  const nchan = spawnSync('dpkg-query', ['-W', `-f=\${Version}`, 'libnginx-mod-nchan'], {
    encoding: 'utf8',
  }).stdout?.match(/^(?:\d+:)?([\d.]+)/)?.[1];
  return nginx ? `nchan${nchan ? ` ${nchan}` : ''}, nginx ${nginx}` : null;
}

/**
 * Starts nginx with nchan on a free port; resolves { pid, port, stop(): resolves once it exited and its
 * folder is gone }. `messageBufferLength`: messages the channel keeps (nchan_message_buffer_length);
 * `firstMessage`: where a new subscriber starts (nchan_subscriber_first_message; nchan's default,
 * "oldest", replays the buffer to every new subscriber).
 */
export async function startNchan({ messageBufferLength = 0, firstMessage = null } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tidings-nchan-'));
  const first = firstMessage === null ? '' : ` nchan_subscriber_first_message ${firstMessage};`;
  // keepalive_requests: nginx closes a keep-alive connection after 1,000 requests by default, which would
  // make the publishers reconnect every second at full load. client_body_buffer_size: a body above it
  // (16 KiB by default) is written to a temporary file before nchan sees it.
  writeFileSync(
    join(dir, 'nginx.conf'),
    `load_module ${NCHAN_MODULE};
master_process off; daemon off; worker_rlimit_nofile 20000;
error_log ${dir}/error.log; pid ${dir}/nginx.pid;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_buffer_size 64k;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server {
    listen 127.0.0.1:${port};
    location = /publish { nchan_publisher; nchan_channel_id bench; nchan_message_buffer_length ${messageBufferLength}; }
    location = /events { nchan_subscriber eventsource; nchan_channel_id bench;${first} }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  let running = true;
  exited.then(() => {
    running = false;
  });
  const deadline = performance.now() + START_TIMEOUT_MS;
  for (;;) {
    await sleep(100);
    if (!running) throw new Error(`nginx exited at start (see ${dir}/error.log)`);
    const answer = await fetch(`http://127.0.0.1:${port}/publish`).catch(() => null);
    if (answer !== null) {
      await answer.arrayBuffer();
      break;
    }
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('nginx did not start in time');
    }
  }
  return {
    pid: child.pid,
    port,
    async stop() {
      // SIGTERM: nginx's fast shutdown (with master_process off, the process itself exits).
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
