/**
 * The view's end of the protocol: typed requests with ids and promises, commands, and incoming
 * messages checked with parseHostMessage. A malformed message is reported to the host (which logs
 * it) and to the caller's onProblem, never acted on. Pure apart from the `post` function it is given.
 */
import {
  makeCommand, makeRequest, parseHostMessage, type CommandMap, type CommandType, type HostNotification,
  type RequestParams, type RequestResult, type RequestType,
} from '../../src/webview-protocol';

export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly type: RequestType,
  ) {
    super(message);
    this.name = 'RequestFailed';
  }
}

interface Pending {
  readonly type: RequestType;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface RpcOptions {
  readonly post: (message: unknown) => void;
  readonly onNotification: (message: HostNotification) => void;
  /** A message was rejected (already reported to the host). */
  readonly onProblem: (reason: string) => void;
}

export class Rpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: RpcOptions) {}

  request<K extends RequestType>(type: K, payload: RequestParams<K>): Promise<RequestResult<K>> {
    const id = this.nextId++;
    return new Promise<RequestResult<K>>((resolve, reject) => {
      this.pending.set(id, { type, resolve: resolve as (value: unknown) => void, reject });
      this.options.post(makeRequest(id, type, payload));
    });
  }

  command<K extends CommandType>(type: K, payload: CommandMap[K]): void {
    this.options.post(makeCommand(type, payload));
  }

  /** Feed every `message` event's data here. */
  receive(data: unknown): void {
    const parsed = parseHostMessage(data);
    if (!parsed.ok) {
      this.reject(parsed.error);
      return;
    }
    const message = parsed.value;
    if (message.kind === 'notification') {
      this.options.onNotification(message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending || pending.type !== message.type) {
      this.reject(`response ${message.id} (${message.type}) answers no open request`);
      return;
    }
    this.pending.delete(message.id);
    if (message.ok) pending.resolve(message.payload);
    else pending.reject(new RequestFailed(message.error, message.type));
  }

  /** Requests still waiting for an answer. */
  get open(): number {
    return this.pending.size;
  }

  private reject(reason: string): void {
    this.command('reportProblem', { message: `view rejected a message: ${reason}`.slice(0, 2000) });
    this.options.onProblem(reason);
  }
}
