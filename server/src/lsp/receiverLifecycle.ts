// When the editor's receiver runs: `otelFlowMap.receiver.autoStart` (auto | always | never, with
// the deprecated `enabled: false` meaning never), the user's Start/Stop commands, and the map
// opening. A port another program holds is retried once it frees, so closing the demo's `serve`
// or a second window hands the ports over without a restart. Plain logic over the host's
// start/stop: no LSP types here, unit-tested with a fake host.

import { createServer } from 'node:net';
import { AUTO_START_VALUES, type Settings } from '../../../common/src/settings';
import type { ReceiverStatus } from '../../../common/src/telemetry';

/** How often a taken port is checked for being free again. */
export const PORT_RETRY_MS = 2_000;

export interface LifecycleDeps {
  start(settings: Settings): Promise<ReceiverStatus>;
  /** Stops the receiver if it was ever started. */
  stop(): Promise<void>;
  /** The running receiver's status, if it was ever started. */
  hostStatus(): ReceiverStatus | undefined;
  /** Reports a status the host did not send itself (not started, and why). */
  report(status: ReceiverStatus): void;
  settings(): Settings;
  /** The manifest that shows the workspace uses OpenTelemetry, if any (the `auto` policy). */
  otelManifest(): Promise<string | undefined>;
  /** Resolves true when every given port can be bound again. */
  portsFree?(host: string, ports: number[]): Promise<boolean>;
  log(message: string): void;
}

export type UserChoice = 'start' | 'stop' | undefined;

export class ReceiverLifecycle {
  private userChoice: UserChoice;
  private mapOpened = false;
  private idle: ReceiverStatus | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped by every decision, so a slow decision never overrides a newer one. */
  private turn = 0;

  constructor(private readonly deps: LifecycleDeps) {}

  /** The status to answer a status request with. */
  status(): ReceiverStatus {
    return this.idle ?? this.deps.hostStatus() ?? { state: 'starting' };
  }

  /** Settings changed (or first known): start or stop as the policy says. */
  apply(): Promise<ReceiverStatus> {
    return this.decide();
  }

  /** Start/Stop/Restart from a command: the user's word beats the policy until the next command. */
  async command(action: 'start' | 'stop' | 'restart'): Promise<ReceiverStatus> {
    this.userChoice = action === 'stop' ? 'stop' : 'start';
    if (action === 'restart') {
      this.turn++;
      await this.deps.stop();
    }
    return this.decide();
  }

  /** The map opened: under `auto`, a reason to run even without an OpenTelemetry dependency. */
  openedMap(): Promise<ReceiverStatus> {
    if (this.mapOpened) return Promise.resolve(this.status());
    this.mapOpened = true;
    return this.decide();
  }

  dispose(): void {
    this.turn++;
    clearTimeout(this.retryTimer);
  }

  private async decide(): Promise<ReceiverStatus> {
    const mine = ++this.turn;
    clearTimeout(this.retryTimer);
    const settings = this.deps.settings();
    const why = await this.reasonNotToRun(settings);
    if (mine !== this.turn) return this.status();
    if (why) {
      await this.deps.stop();
      this.idle = why;
      this.deps.report(why);
      return why;
    }
    this.idle = undefined;
    const status = await this.deps.start(settings);
    if (mine === this.turn && status.state === 'error' && /already in use/i.test(status.message ?? '')) this.retryWhenFree(mine, settings);
    return status;
  }

  /** undefined when the receiver should run; else the status that says why it does not. */
  private async reasonNotToRun(s: Settings): Promise<ReceiverStatus | undefined> {
    if (this.userChoice === 'start') return undefined;
    if (this.userChoice === 'stop') return { state: 'stopped', message: 'Stopped. Start it from the status bar menu.' };
    const policy = s.receiver.enabled === false ? 'never' : AUTO_START_VALUES.includes(s.receiver.autoStart) ? s.receiver.autoStart : 'auto';
    if (policy === 'never') {
      const setting = s.receiver.enabled === false ? 'otelFlowMap.receiver.enabled is false' : 'otelFlowMap.receiver.autoStart is never';
      return { state: 'disabled', message: `Not started: ${setting}. Start it from the status bar menu.` };
    }
    if (policy === 'always' || this.mapOpened) return undefined;
    const manifest = await this.deps.otelManifest();
    if (manifest) return undefined;
    return {
      state: 'stopped',
      message: 'Not started: no OpenTelemetry dependency in this workspace (otelFlowMap.receiver.autoStart is auto). Opening the map starts it.',
    };
  }

  /** Polls the taken ports and starts once both can be bound: no restart needed when the other program ends. */
  private retryWhenFree(turn: number, settings: Settings): void {
    const ports = [settings.receiver.grpcPort, settings.receiver.httpPort].filter((p) => p > 0);
    const check = (): void => {
      this.retryTimer = setTimeout(() => {
        void (this.deps.portsFree ?? portsFree)(settings.receiver.bindAddress, ports).then((free) => {
          if (turn !== this.turn) return;
          if (!free) return check();
          this.deps.log(`ports ${ports.join(', ')} are free again: starting the receiver`);
          void this.decide();
        });
      }, PORT_RETRY_MS);
      this.retryTimer.unref?.();
    };
    check();
  }
}

/** True when each port can be bound on `host` right now (bound and released at once). */
export async function portsFree(host: string, ports: number[]): Promise<boolean> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, host, () => probe.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
